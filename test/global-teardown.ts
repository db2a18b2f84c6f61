import { dropDatabase, dropQueueKeys } from '../scripts/support/local-services';

/** Drops this run's databases (one per Jest worker) and its queue keys; the servers keep running for the next run. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.LABKEYS_E2E_ADMIN_DATABASE_URL;
  const databases = (process.env.LABKEYS_E2E_DATABASES ?? process.env.LABKEYS_E2E_DATABASE ?? '').split(',');
  if (adminUrl && process.env.LABKEYS_KEEP_E2E_DB !== '1')
    for (const database of databases.filter(Boolean)) await dropDatabase(adminUrl, database);
  const prefix = process.env.QUEUE_PREFIX;
  // Specs' own prefixes extend the run's (specQueuePrefix), so one pattern removes them all.
  if (process.env.REDIS_URL && prefix?.startsWith('e2e')) await dropQueueKeys(process.env.REDIS_URL, `${prefix}*`);
}
