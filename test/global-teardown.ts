import { dropDatabase, dropQueueKeys } from '../scripts/support/local-services';

/** Drops this run's database and its queue keys; the servers keep running for the next run. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.LABKEYS_E2E_ADMIN_DATABASE_URL;
  const database = process.env.LABKEYS_E2E_DATABASE;
  if (adminUrl && database && process.env.LABKEYS_KEEP_E2E_DB !== '1') await dropDatabase(adminUrl, database);
  const prefix = process.env.QUEUE_PREFIX;
  // Specs' own prefixes extend the run's (specQueuePrefix), so one pattern removes them all.
  if (process.env.REDIS_URL && prefix?.startsWith('e2e')) await dropQueueKeys(process.env.REDIS_URL, `${prefix}*`);
}
