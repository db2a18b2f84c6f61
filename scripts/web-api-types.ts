import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWebClientTypes, WEB_CLIENT_TYPES_PATH } from '../apps/api/src/openapi/web-client-types';

// Compiled to dist/scripts/web-api-types.js: the project root is two levels up.
const ROOT = join(__dirname, '../..');

renderWebClientTypes()
  .then((types) => {
    writeFileSync(join(ROOT, WEB_CLIENT_TYPES_PATH), types);
    process.stderr.write(`wrote ${WEB_CLIENT_TYPES_PATH}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`web-api-types: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
