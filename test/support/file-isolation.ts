import { randomBytes } from 'node:crypto';

/**
 * Runs before each end-to-end file, in its Jest worker. Two files run at once must not see each other's work:
 * - the database: worker 1 keeps the run's first, worker N its copy `<name>_wN` (see the global setup), because a
 *   worker's sweep works on every tenant of its database but announces on its own queue prefix;
 * - Redis: each file gets a queue prefix of its own under the run's (so the global teardown still removes its
 *   keys), because rate limits and failed sign-ins are counted per prefix and per address, 127.0.0.1 for all.
 */
const worker = process.env.JEST_WORKER_ID ?? '1';

const databases = (process.env.LABKEYS_E2E_DATABASES ?? '').split(',').filter(Boolean);
if (Number(worker) > 1 && databases[Number(worker) - 1] && process.env.DATABASE_URL) {
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${databases[Number(worker) - 1]}`;
  process.env.DATABASE_URL = url.toString();
}

// Jest gives every file a fresh copy of its worker's environment, so nothing set here survives into the next file
// and a counter would read 1 each time: a random part keeps the prefixes of one worker's files apart.
process.env.QUEUE_PREFIX = `${process.env.QUEUE_PREFIX}w${worker}${randomBytes(3).toString('hex')}`;
