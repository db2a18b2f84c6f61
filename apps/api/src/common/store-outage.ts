import { isStoreUnavailable } from '@labkeys/database';

/** Seconds a client is told to wait after a store outage answer: about one reconnect cycle of the pools. */
export const STORE_RETRY_AFTER_SECONDS = 2;

export type Store = 'database' | 'redis';

// SQLSTATEs of a server that is going away or not there yet (admin shutdown, crash shutdown, starting up,
// connection failures) and of statements it cancelled under load (statement or lock timeout).
const PG_OUTAGE_STATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '57014', '55P03']);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNABORTED',
]);

// What the drivers say when the code is lost on the way up (the database client wraps adapter errors in messages;
// node-postgres' own errors carry no code). Matched against messages only, never against user input.
const DATABASE_MESSAGES =
  /Can't reach database server|Connection terminated|timeout exceeded when trying to connect|Timed out fetching a new connection|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery)|terminating connection due to administrator command|Server has closed the connection|Query read timeout|statement timeout/i;
const REDIS_MESSAGES =
  /Connection is closed|Stream isn't writeable and enableOfflineQueue|Reached the max retries per request limit|Command timed out/i;

/**
 * Which store, if any, the error says is unavailable. Such an error is not the request's fault and not a
 * bug: it answers 503 with Retry-After while Postgres or Redis restarts, fails over or is overloaded.
 */
export function storeOutage(error: unknown): Store | undefined {
  for (
    let e: unknown = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const found = classify(e as Record<string, unknown>);
    if (found) return found;
  }
  return undefined;
}

function classify(e: Record<string, unknown>): Store | undefined {
  // The database client's own verdict (unreachable, timed out, pool exhausted) comes first.
  if (isStoreUnavailable(e)) return 'database';
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const name = typeof e.name === 'string' ? e.name : '';
  if (name === 'MaxRetriesPerRequestError' || REDIS_MESSAGES.test(message)) return 'redis';
  if (code && PG_OUTAGE_STATES.has(code)) return 'database';
  if (DATABASE_MESSAGES.test(message) || /\b(57P0[123]|0800[0136])\b/.test(message)) return 'database';
  if (code && SOCKET_CODES.has(code)) return isRedisError(e) ? 'redis' : 'database';
  return undefined;
}

function isRedisError(e: Record<string, unknown>): boolean {
  // ioredis' socket errors carry the Redis port in the address; anything else socket-level came from the pg pool.
  const stack = typeof e.stack === 'string' ? e.stack : '';
  return /ioredis|bullmq/.test(stack);
}
