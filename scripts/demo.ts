import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadEnvOrExit } from '@labkeys/config';
import { runMigrations } from '@labkeys/database';
import { startDemoMailbox } from './demo/demo-mailbox';
import { seedDemoClass, type DemoClass, type DemoMode } from './demo/demo-seed';

// Compiled to dist/scripts/demo.js: the project root is two levels up.
const ROOT = join(__dirname, '../..');
const AWS_LOCAL_PORT = Number(process.env.LABKEYS_DEMO_AWS_PORT ?? 4566);
const SMTP_PORT = Number(process.env.LABKEYS_DEMO_SMTP_PORT ?? 2525);
const OIDC_PORT = Number(process.env.LABKEYS_DEMO_OIDC_PORT ?? 4567);
/** The demo school's sign-in (a local OpenID Connect provider): its users' password and LabKeys' client there. */
const SCHOOL = {
  name: 'Demo University',
  password: 'demo-school',
  clientId: 'labkeys-demo',
  clientSecret: 'demo-school-client-secret',
};
const MAIL_DIR = join(ROOT, '.labkeys', 'mail');
// aws-local's admin user is AWS's documented example key pair: the school's administrator in the demo, and
// LabKeys' own identity only in assumeRole mode (LABKEYS_DEMO_MODE=assumeRole).
const ADMIN = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const children: ChildProcess[] = [];
let shuttingDown = false;

function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(
    process.execPath,
    args.map((a, i) => (i === 0 ? join(ROOT, a) : a)),
    { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Children log JSON lines; the demo shows errors only, to keep the terminal readable.
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      try {
        if (((JSON.parse(line) as { level?: number }).level ?? 30) >= 50) process.stderr.write(`[${name}] ${line}\n`);
      } catch {
        // aws-local's greeting and the local OIDC provider's notices (test-only runtime and storage) are not news here.
        if (!line.startsWith('aws-local listening') && !line.startsWith('oidc-provider WARNING'))
          process.stderr.write(`[${name}] ${line}\n`);
      }
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      process.stderr.write(`demo: ${name} exited (${signal ?? code}); stopping\n`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function waitFor(url: string, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up at ${url} within ${timeoutMs / 1000} s`);
}

async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  process.stderr.write('demo: stopping api, worker, aws-local and the school sign-in\n');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10000).unref();
        }),
    ),
  );
  process.exit(code);
}

/**
 * The demo school's own sign-in: a real OpenID Connect provider on this machine (the tests' one, oidc-provider)
 * with the demo teacher and the first demo student as its users, added to the tenant as its identity provider.
 */
async function startSchoolSignIn(
  demo: DemoClass,
  env: NodeJS.ProcessEnv,
): Promise<{ tenantId: string; issuer: string }> {
  const issuer = `http://127.0.0.1:${OIDC_PORT}`;
  start('school sign-in', ['scripts/support/local-oidc-provider.mjs'], {
    PATH: env.PATH,
    OIDC_PROVIDER_CONFIG: JSON.stringify({
      port: OIDC_PORT,
      clients: [
        {
          client_id: SCHOOL.clientId,
          client_secret: SCHOOL.clientSecret,
          client_name: 'LabKeys demo',
          redirect_uris: [`${demo.apiUrl}/v1/auth/sso/callback`],
          post_logout_redirect_uris: [`${demo.apiUrl}/sign-in`],
        },
      ],
      users: [
        { login: 'teacher', password: SCHOOL.password, email: demo.teacher.email, name: 'Demo Teacher' },
        { login: 'student01', password: SCHOOL.password, email: demo.student.email, name: 'Student 1' },
      ],
    }),
  });
  await waitFor(`${issuer}/.well-known/openid-configuration`, 'the school sign-in', 30000);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${demo.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${demo.ownerToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  const fields = { issuer, clientId: SCHOOL.clientId, clientSecret: SCHOOL.clientSecret, allowedDomains: [] };
  const existing = (
    await call<{ items: { id: string; displayName: string }[] }>('GET', '/v1/identity-providers')
  ).items.find((p) => p.displayName === SCHOOL.name);
  if (existing) await call('PATCH', `/v1/identity-providers/${existing.id}`, fields);
  else await call('POST', '/v1/identity-providers', { displayName: SCHOOL.name, ...fields });
  return { tenantId: (await call<{ id: string }>('GET', '/v1/tenant')).id, issuer };
}

function printSchoolSignIn(demo: DemoClass, school: { tenantId: string; issuer: string }): void {
  console.log(`
School sign-in (a local OpenID Connect provider at ${school.issuer}; password "${SCHOOL.password}" for both):
  instructor:        ${demo.apiUrl}/sign-in?tenant=${school.tenantId}   "Sign in with ${SCHOOL.name}", user teacher
  student:           ${demo.apiUrl}/student/sso/${school.tenantId}   user student01
  student, CLI:      npx labkeys login --sso ${demo.apiUrl}/student/sso/${school.tenantId} --profile school

Press Ctrl-C to stop.`);
}

function printClass(demo: DemoClass, awsUrl: string): void {
  const course = `${demo.apiUrl}/v1/courses/${demo.courseId}`;
  const { apiUrl, student } = demo;
  const auth = `-H "Authorization: Bearer ${student.token}"`;
  console.log(`LabKeys demo ready: ${apiUrl}`);
  console.log(`
  dashboard:         ${apiUrl}/   sign in as ${demo.teacher.email} / ${demo.teacher.password}
                     (MFA is off in the demo; connection changes, whole-lab revocations and inviting
                     instructors ask you to set up an authenticator app first: Account → Two-factor sign-in)
  API docs:          ${apiUrl}/docs
  connection mode:   ${demo.mode}${demo.mode === 'webIdentity' ? `   (aws-local trusts ${apiUrl}/oidc; the api and worker hold no AWS key)` : '   (LabKeys signs with its own AWS key and the external id)'}
  local AWS:         ${awsUrl}   (aws-local)
  instructor token:  ${demo.ownerToken}
  lab:               ${apiUrl}/v1/labs/${demo.labId}/sessions   (30 students, issued)
  student link:      ${student.link}   (${student.email}, AWS sees ${student.handle})

Instructor:
  curl -s -H "Authorization: Bearer ${demo.ownerToken}" ${apiUrl}/v1/labs/${demo.labId}/sessions | head -c 600; echo
Student (credentials as shell exports, then use them against the local AWS):
  eval "$(curl -s ${auth} '${apiUrl}/v1/me/sessions/current?format=env')"
  aws --endpoint-url ${awsUrl} sts get-caller-identity
  aws --endpoint-url ${awsUrl} s3api list-objects-v2 --bucket class-bucket --prefix students/${student.handle}/   # allowed
  aws --endpoint-url ${awsUrl} s3api list-objects-v2 --bucket class-bucket --prefix students/someone-else/        # AccessDenied
Student, other formats and the console:
  curl -s ${auth} '${apiUrl}/v1/me/sessions/current?format=process'   # credential_process
  curl -s ${auth} '${apiUrl}/v1/me/sessions/current?format=ini'
  curl -s -o /dev/null -w '%{redirect_url}\\n' ${auth} ${apiUrl}/v1/me/sessions/current/console
  curl -N ${auth} ${apiUrl}/v1/me/events    # live: issued, renewed, expiring, ended
Student, with the labkeys CLI and the AWS CLI (credential_process):
  npx labkeys login '${student.link}' --profile lab && npx labkeys configure --profile lab
  aws --profile lab --endpoint-url ${awsUrl} sts get-caller-identity
Email every student a fresh link (replaces the links above), through the demo's SMTP server on port ${SMTP_PORT}:
  curl -s -X POST -H "Authorization: Bearer ${demo.ownerToken}" -H 'content-type: application/json' -d '{"only":"all"}' ${course}/access-links/email
  ls ${MAIL_DIR}    # the messages, as .eml files`);
}

async function main(): Promise<void> {
  const env = loadEnvOrExit('demo');
  const apiUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${env.API_PORT}`;
  const awsUrl = `http://127.0.0.1:${AWS_LOCAL_PORT}`;
  await runMigrations(env.DATABASE_URL, { log: (line) => process.stderr.write(`demo: ${line}\n`) });
  await startDemoMailbox(SMTP_PORT, MAIL_DIR);
  const mode = demoMode();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
    MIGRATE_ON_START: 'false',
    AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete childEnv.AWS_SESSION_TOKEN;
  delete childEnv.AWS_PROFILE;
  if (mode === 'webIdentity') {
    // No AWS key in LabKeys at all: its tokens are its identity.
    delete childEnv.AWS_ACCESS_KEY_ID;
    delete childEnv.AWS_SECRET_ACCESS_KEY;
  }
  start('aws-local', ['dist/apps/aws-local/src/main.js', '--port', String(AWS_LOCAL_PORT)], childEnv);
  await waitFor(`${awsUrl}/_aws-local/health`, 'aws-local', 30000);
  start('api', ['dist/apps/api/src/main.js'], childEnv);
  start('worker', ['dist/apps/worker/src/main.js'], childEnv);
  await waitFor(`${apiUrl}/health`, 'the api', 60000);
  const demo = await seedDemoClass(env.DATABASE_URL, apiUrl, awsUrl, ADMIN, mode);
  const school = await startSchoolSignIn(demo, childEnv);
  printClass(demo, awsUrl);
  printSchoolSignIn(demo, school);
}

function demoMode(): DemoMode {
  const value = process.env.LABKEYS_DEMO_MODE ?? 'webIdentity';
  if (value !== 'webIdentity' && value !== 'assumeRole')
    throw new Error(`LABKEYS_DEMO_MODE must be webIdentity or assumeRole, not ${value}`);
  return value;
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
