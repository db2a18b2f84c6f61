/**
 * What the benches start for themselves, as the e2e setup does: Postgres and Redis through
 * scripts/services.sh, a fresh database, aws-local, the api and the worker as child processes.
 * Everything started is registered for cleanup, which runs on success, failure, a signal or the
 * overall deadline, so a bench never leaves a process or a database behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMigratedDatabase, dropQueueKeys, freePort, startLocalServices, withPg } from '../support/local-services';
import { schoolWorld } from '@labkeys/testing';
import type { WorldStateFile } from '@labkeys/aws-local';

export const ROOT = join(__dirname, '../../..');
const cleanups: (() => Promise<void> | void)[] = [];

export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.unshift(fn);
}

async function cleanupAll(): Promise<void> {
  for (const fn of cleanups.splice(0)) {
    try {
      await fn();
    } catch (error) {
      console.error(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Runs a bench with cleanup on every exit path and a hard deadline. */
export function runBench(name: string, timeoutMs: number, body: () => Promise<void>): void {
  const abort = (reason: string) => {
    console.error(`${name}: ${reason}; cleaning up`);
    void cleanupAll().finally(() => process.exit(1));
  };
  const timer = setTimeout(() => abort(`aborted after ${timeoutMs / 1000} s`), timeoutMs);
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  body()
    .then(async () => {
      clearTimeout(timer);
      await cleanupAll();
      process.exit(0);
    })
    .catch(async (error: unknown) => {
      clearTimeout(timer);
      console.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      await cleanupAll();
      process.exit(1);
    });
}

export function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs: number,
  what: string,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms`);
}

export interface Services {
  adminUrl: string;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
}

/** Shared Postgres and Redis (started if needed), a fresh migrated database and a unique queue prefix. */
export async function startServices(label: string): Promise<Services> {
  const { databaseUrl, redisUrl } = startLocalServices();
  const runId = `${label}${Date.now().toString(36)}${process.pid}`;
  const database = await createMigratedDatabase(databaseUrl, `labkeys_${runId}`);
  onCleanup(() => database.drop());
  onCleanup(() => dropQueueKeys(redisUrl, runId));
  return { adminUrl: database.adminUrl, databaseUrl: database.url, redisUrl, prefix: runId };
}

export { freePort, withPg };

/** A child process whose stderr tail is kept for error messages; killed at cleanup. */
export function spawnNode(
  name: string,
  entry: string,
  args: string[],
  env: Record<string, string>,
): ChildProcess & { tail: () => string } {
  // BENCH_PROFILE_DIR=<dir> writes a CPU profile of each child when it exits (finding what bounds a run).
  // V8's tick log rather than --cpu-prof: Nest re-raises SIGTERM after closing, which --cpu-prof would not survive.
  const dir = process.env.BENCH_PROFILE_DIR;
  const profile = dir ? ['--prof', '--no-logfile-per-isolate', `--logfile=${dir}/${name}.log`] : [];
  const child = spawn(process.execPath, [...profile, join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) console.error(`${name} exited with ${code}: ${tail.slice(-1500)}`);
  });
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  return Object.assign(child, { tail: () => tail });
}

export interface AwsLocalChild {
  url: string;
  pid: number;
}

/** aws-local on a free port with the bench's school world; `latencyByAction` injected over its admin API. */
export async function startAwsLocal(
  externalId: string,
  assumeRoleLatencyMs: number,
  world: WorldStateFile = schoolWorld([externalId]),
): Promise<AwsLocalChild> {
  const dir = mkdtempSync(join(tmpdir(), 'labkeys-bench-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const state = join(dir, 'world.json');
  writeFileSync(state, JSON.stringify(world));
  const port = await freePort();
  const child = spawnNode(
    'aws-local',
    'dist/apps/aws-local/src/main.js',
    ['--port', String(port), '--state', state],
    {},
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/_aws-local/health`)).ok, 20000, 100, 'aws-local', child);
  // Latency on AssumeRole only: revocation's IAM calls and authorize probes stay unslowed.
  const put = await fetch(`${url}/_aws-local/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      latencyByAction: { 'sts:AssumeRole': assumeRoleLatencyMs, 'sts:AssumeRoleWithWebIdentity': assumeRoleLatencyMs },
    }),
  });
  if (!put.ok) throw new Error(`aws-local faults answered ${put.status}`);
  return { url, pid: child.pid! };
}

export function appEnv(services: Services, extra: Record<string, string>): Record<string, string> {
  return {
    // development: the api and worker share the generated local key ring under .labkeys/.
    NODE_ENV: 'development',
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: services.prefix,
    MIGRATE_ON_START: 'false',
    WORKER_HTTP_PORT: '0',
    LOG_LEVEL: 'warn',
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

/** The api on a free port; resolves once /health answers. */
/** `port` when the api's URL must be known before it starts (PUBLIC_URL: its OIDC issuer). */
export async function startApi(env: Record<string, string>, port?: number): Promise<{ url: string; pid: number }> {
  port ??= await freePort();
  const child = spawnNode('api', 'dist/apps/api/src/main.js', [], { ...env, API_PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(async () => (await fetch(`${url}/health`)).status < 500, 30000, 100, 'api health', child);
  return { url, pid: child.pid! };
}

/** The worker; resolves once it logged that it started (or after its boot settled). */
export async function startWorker(env: Record<string, string>): Promise<{ pid: number }> {
  // info, not warn: its boot line is the only sign that it is ready (it has no HTTP); per job it logs nothing at info.
  const child = spawnNode('worker', 'dist/apps/worker/src/main.js', [], { ...env, LOG_LEVEL: 'info' });
  await waitUntil(() => Promise.resolve(child.tail().includes('worker started')), 30000, 50, 'worker start', child);
  return { pid: child.pid! };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}
