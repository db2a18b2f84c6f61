import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWebClientTypes, WEB_CLIENT_TYPES_PATH } from './web-client-types';

describe('the dashboard’s generated api types', () => {
  it('match the api’s OpenAPI document (regenerate with `npm run web:api-types`)', async () => {
    const committed = readFileSync(join(__dirname, '../../../..', WEB_CLIENT_TYPES_PATH), 'utf8');
    const current = await renderWebClientTypes();
    // toBe on two long strings prints the first difference; the message says how to fix it.
    if (committed !== current) {
      const at = [...committed].findIndex((ch, i) => ch !== current[i]);
      throw new Error(
        `${WEB_CLIENT_TYPES_PATH} differs from the api's document near character ${at}:\n  committed: ${JSON.stringify(committed.slice(at, at + 120))}\n  document:  ${JSON.stringify(current.slice(at, at + 120))}\nRun \`npm run web:api-types\` and commit the result.`,
      );
    }
  }, 120_000);
});
