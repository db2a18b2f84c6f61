import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMigratedDatabase,
  dropQueueKeys,
  freePort,
  startLocalServices,
  type FreshDatabase,
} from '../../scripts/support/local-services';

const ROOT = join(__dirname, '../..');
const LOGS = join(ROOT, 'test-results/browser-logs');
// aws-local's admin user (AWS's documented example key): the school's administrator and LabKeys' own identity here.
export const ADMIN = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
export const OWNER = { email: 'tess.teacher@school.example', name: 'Tess Teacher' };

/** Waits until `url` answers 200 (a process started by `start` is up), failing early when the process exits. */
export async function waitFor(url: string, child: ChildProcess, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}) before it answered; see ${LOGS}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000} s; see ${LOGS}`);
}

/** Starts a built entry point of dist/ as its own process, its output in test-results/browser-logs/NAME.log. */
export function start(name: string, entry: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  mkdirSync(LOGS, { recursive: true });
  const child = spawn(process.execPath, [join(ROOT, entry), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(LOGS, `${name}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

/** SIGTERM, then SIGKILL after 15 s; resolves once the process has exited. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A tenant and its owner's invitation, as an operator makes them: `npm run admin -- tenant create`. */
export function createTenant(
  env: NodeJS.ProcessEnv,
  name: string,
  ownerEmail: string,
  ownerName: string,
): { tenantId: string; ownerInvitationUrl: string } {
  const created = spawnSync(
    process.execPath,
    [
      'dist/apps/admin/src/main.js',
      'tenant',
      'create',
      '--name',
      name,
      '--owner',
      ownerEmail,
      '--owner-name',
      ownerName,
    ],
    {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (created.status !== 0) throw new Error(`admin tenant create failed: ${created.stderr}`);
  return JSON.parse(created.stdout.trim()) as { tenantId: string; ownerInvitationUrl: string };
}

/**
 * A fresh database and queue prefix on the local Postgres and Redis, two free ports, and the environment an
 * api, worker and aws-local of that stack run with (`overrides` added last).
 */
export async function freshStack(label: string, overrides: NodeJS.ProcessEnv = {}) {
  const services = startLocalServices();
  const runId = `${Date.now().toString(36)}${process.pid}`;
  const database = await createMigratedDatabase(services.databaseUrl, `labkeys_${label}_${runId}`);
  const [awsPort, apiPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const awsUrl = `http://127.0.0.1:${awsPort}`;
  const queuePrefix = `${label}${runId}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: queuePrefix,
    MIGRATE_ON_START: 'false',
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    PUBLIC_URL: apiUrl,
    LOG_LEVEL: 'warn',
    // Each stack's worker takes any free port for its metrics and health listener: two stacks run at once.
    WORKER_HTTP_PORT: '0',
    // A short step-up, so the walk sees the dashboard ask for a fresh code before sensitive changes.
    SESSION_STEP_UP_SECONDS: '20',
    AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...overrides,
  };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  return { env, apiUrl, awsUrl, awsPort, database, services, queuePrefix };
}

/** A fresh stack running: aws-local, then the built api (serving the built dashboard) and worker, each a process. */
export interface Stack {
  apiUrl: string;
  awsUrl: string;
  env: NodeJS.ProcessEnv;
  database: FreshDatabase;
  redisUrl: string;
  queuePrefix: string;
  aws: ChildProcess;
  api: ChildProcess;
  worker: ChildProcess;
}

/**
 * Starts a fresh stack (see freshStack) and waits until aws-local and the api answer; the processes' logs are
 * test-results/browser-logs/LABEL-*.log. Whatever was started is stopped again when the start fails.
 */
export async function startStack(label: string, overrides: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const { env, apiUrl, awsUrl, awsPort, database, services, queuePrefix } = await freshStack(label, overrides);
  const started: ChildProcess[] = [];
  const run = (name: string, entry: string, args: string[] = []) => {
    const child = start(`${label}-${name}`, entry, args, env);
    started.push(child);
    return child;
  };
  try {
    const aws = run('aws-local', 'dist/apps/aws-local/src/main.js', ['--port', String(awsPort)]);
    await waitFor(`${awsUrl}/_aws-local/health`, aws, 'aws-local');
    const api = run('api', 'dist/apps/api/src/main.js');
    const worker = run('worker', 'dist/apps/worker/src/main.js');
    await waitFor(`${apiUrl}/health`, api, 'the api');
    return { apiUrl, awsUrl, env, database, redisUrl: services.redisUrl, queuePrefix, aws, api, worker };
  } catch (error) {
    await Promise.all(started.map(stop));
    await dropStackData(database, services.redisUrl, queuePrefix);
    throw error;
  }
}

/** Stops the stack's processes, then drops its database (unless LABKEYS_KEEP_BROWSER_DB=1) and queue keys. */
export async function stopStack(stack: Stack): Promise<void> {
  await Promise.all([stack.api, stack.worker, stack.aws].map(stop));
  await dropStackData(stack.database, stack.redisUrl, stack.queuePrefix);
}

async function dropStackData(database: FreshDatabase, redisUrl: string, queuePrefix: string): Promise<void> {
  if (process.env.LABKEYS_KEEP_BROWSER_DB !== '1') await database.drop();
  await dropQueueKeys(redisUrl, queuePrefix);
}

/**
 * What the walk runs against: Postgres and Redis (scripts/services.sh), a fresh migrated database, aws-local,
 * and the built api (serving the built dashboard) and worker from dist/, each its own process, plus a tenant
 * whose owner has only an invitation (the admin CLI's). Tests read the URLs from the environment.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  for (const built of ['dist/apps/api/src/main.js', 'apps/web/dist/index.html']) {
    if (!existsSync(join(ROOT, built)))
      throw new Error(`${built} is missing: run \`bash scripts/setup.sh\` first (scripts/test.sh does)`);
  }
  const stack = await startStack('web');
  const { env, apiUrl, awsUrl, database } = stack;
  const teardown = () => stopStack(stack);
  try {
    const tenant = createTenant(env, 'Northfield School', OWNER.email, OWNER.name);

    process.env.LABKEYS_WEB_URL = apiUrl;
    process.env.LABKEYS_AWS_URL = awsUrl;
    process.env.LABKEYS_OWNER_INVITATION_URL = tenant.ownerInvitationUrl;
    // What the admin CLI needs to reach this run's database and sign links with its URL.
    process.env.LABKEYS_BROWSER_ADMIN_ENV = JSON.stringify({
      DATABASE_URL: database.url,
      PUBLIC_URL: apiUrl,
      MIGRATE_ON_START: 'false',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    });
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
