import { Client } from 'pg';
import { withPg } from '../../scripts/support/local-services';

/** Creates an empty database beside the run's one; returns its URL and a drop function. */
export async function createScratchDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.LABKEYS_E2E_ADMIN_DATABASE_URL!;
  const name = `${process.env.LABKEYS_E2E_DATABASE}_${label}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A pg client on `url` for the length of `fn`. */
export const withClient = withPg;
