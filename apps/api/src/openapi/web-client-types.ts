import { execFileSync } from 'node:child_process';
import { openApiDocument } from './openapi-document';

/** Where the dashboard keeps the types generated from the api's document (committed; a unit test compares). */
export const WEB_CLIENT_TYPES_PATH = 'apps/web/src/api/schema.d.ts';

const HEADER = `/**
 * Generated from the api's OpenAPI document by \`npm run web:api-types\`; do not edit by hand.
 * apps/api/src/openapi/web-client-types.spec.ts fails when this file and the document differ.
 */

`;

// openapi-typescript loads ES modules that Jest's module system cannot; plain Node runs it.
const RENDER = `
const { default: openapiTS, astToString } = require('openapi-typescript');
let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => process.stdout.write(astToString(await openapiTS(JSON.parse(input), { alphabetize: true }))));
`;

/** The TypeScript types of the api's document, as openapi-typescript renders them for openapi-fetch. */
export async function renderWebClientTypes(): Promise<string> {
  const document = await openApiDocument();
  const types = execFileSync(process.execPath, ['-e', RENDER], {
    input: JSON.stringify(document),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return HEADER + types;
}
