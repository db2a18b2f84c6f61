import { Client } from 'pg';
import Redis from 'ioredis';

/** Drops this run's database and its queue keys; the servers keep running for the next run. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.LABKEYS_E2E_ADMIN_DATABASE_URL;
  const database = process.env.LABKEYS_E2E_DATABASE;
  if (adminUrl && database && process.env.LABKEYS_KEEP_E2E_DB !== '1') {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  }
  const prefix = process.env.QUEUE_PREFIX;
  if (process.env.REDIS_URL && prefix?.startsWith('e2e')) {
    const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}
