import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, EXIT } from './cli-error';
import type { StoredProfile } from './profile-store';

const TIMEOUT_MS = 15_000;
/** How long the browser sign-in may take before the CLI gives up (the api's attempt lasts ten minutes). */
const SIGN_IN_WAIT_MS = 10 * 60_000;

interface SignInOptions {
  tenantId: string;
  tenantName: string;
  providers: { id: string; displayName: string; signInUrl: string }[];
}

/** `https://host/student/sso/<tenant id>` → the deployment's base URL and the tenant. */
export function parseSchoolSignInUrl(link: string): { url: string; tenantId: string } {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new CliError(
      'That is not a URL; copy your school’s LabKeys sign-in page (https://…/student/sso/…).',
      EXIT.usage,
    );
  }
  const match = /^(.*)\/student\/sso\/([0-9a-f-]{36})\/?$/i.exec(url.pathname);
  if (!match || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new CliError('That is not a LabKeys school sign-in page (https://…/student/sso/<school>).', EXIT.usage);
  return { url: `${url.origin}${match[1].replace(/\/$/, '')}`, tenantId: match[2].toLowerCase() };
}

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    });
  } catch (error) {
    throw new CliError(
      `Could not reach LabKeys at ${new URL(url).origin}: ${(error as Error).message}`,
      EXIT.unavailable,
    );
  }
  return { status: res.status, body: (await res.json().catch(() => ({}))) as T };
}

/** One answer of the loopback listener: the code (or the refusal) LabKeys redirected the browser with. */
function waitForCallback(
  server: ReturnType<typeof createServer>,
): Promise<{ code: string } | { error: string; description: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new CliError('The sign-in took too long (10 minutes); run the command again.', EXIT.failed)),
      SIGN_IN_WAIT_MS,
    );
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/callback') {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
        return;
      }
      const code = url.searchParams.get('code');
      const error = url.searchParams.get('error');
      const page = (title: string, text: string) =>
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>${text
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')}</p></main></body></html>`;
      if (code && /^[A-Za-z0-9_-]{43}$/.test(code)) {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(page('Signed in', 'You can close this window and go back to the terminal.'));
        clearTimeout(timer);
        resolve({ code });
      } else {
        const description = url.searchParams.get('error_description') ?? 'The sign-in did not complete.';
        res
          .writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(page('Sign-in refused', description));
        clearTimeout(timer);
        resolve({ error: error ?? 'refused', description });
      }
    });
  });
}

/**
 * `labkeys login --sso <school sign-in page>`: a loopback listener on 127.0.0.1 (a free port), the browser sent to
 * the school's sign-in, LabKeys redirecting back to the listener with a one-time code, which only this process can
 * exchange (it holds the verifier of the challenge it sent) for a student CLI token.
 */
export async function ssoLogin(
  link: string,
  options: { provider?: string; print?: boolean },
  say: (text: string) => void,
  openBrowser: (url: string) => Promise<boolean>,
): Promise<StoredProfile> {
  const { url, tenantId } = parseSchoolSignInUrl(link);
  const offered = await json<SignInOptions & { detail?: string }>(
    `${url}/v1/auth/sso/tenants/${tenantId}?for=students`,
  );
  if (offered.status !== 200)
    throw new CliError(`LabKeys refused that sign-in page: ${offered.body.detail ?? offered.status}`, EXIT.failed);
  const providers = offered.body.providers;
  const wanted = options.provider?.toLowerCase();
  const chosen = wanted
    ? providers.find((p) => p.id === wanted || p.displayName.toLowerCase() === wanted)
    : providers.length === 1
      ? providers[0]
      : undefined;
  if (!chosen) {
    const names = providers.map((p) => `"${p.displayName}"`).join(', ');
    throw new CliError(
      providers.length === 0
        ? `${offered.body.tenantName} offers no school sign-in for students; use your access link.`
        : `Choose one with --provider: ${names}.`,
      EXIT.usage,
    );
  }
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  try {
    const { port } = server.address() as AddressInfo;
    const start = `${url}/v1/auth/sso/start/${tenantId}/${chosen.id}?purpose=student-cli&port=${port}&challenge=${challenge}`;
    const answer = waitForCallback(server);
    say(`Sign in with ${chosen.displayName} in your browser:\n${start}\n`);
    if (!options.print && (await openBrowser(start))) say('(opened in your browser; waiting for the sign-in…)\n');
    const result = await answer;
    if ('error' in result)
      throw new CliError(`Your school sign-in was refused: ${result.description}`, EXIT.linkRefused);
    const exchanged = await json<{ token?: string; detail?: string }>(`${url}/v1/auth/sso/cli/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: result.code, verifier }),
    });
    if (exchanged.status !== 200 || !exchanged.body.token)
      throw new CliError(`LabKeys refused the sign-in: ${exchanged.body.detail ?? exchanged.status}`, EXIT.linkRefused);
    return { url, token: exchanged.body.token };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** The courses of a student signed in through their school, and the choice of one (`--course CODE`). */
export async function chooseCourse(profile: StoredProfile, code: string | undefined): Promise<string | null> {
  const auth = { authorization: `Bearer ${profile.token}` };
  const listed = await json<{
    courses?: { enrollmentId: string; chosen: boolean; course: { code: string; title: string } }[];
    detail?: string;
  }>(`${profile.url}/v1/me/sso/labs`, { headers: auth });
  if (listed.status !== 200 || !listed.body.courses)
    throw new CliError(`LabKeys refused: ${listed.body.detail ?? listed.status}`, EXIT.linkRefused);
  const courses = listed.body.courses;
  if (!code) {
    if (courses.length <= 1) return courses[0]?.course.code ?? null;
    const list = courses.map((c) => `  ${c.course.code}  ${c.course.title}${c.chosen ? '  (chosen)' : ''}`).join('\n');
    if (courses.some((c) => c.chosen)) return courses.find((c) => c.chosen)!.course.code;
    throw new CliError(`You are in several courses; choose one with: labkeys course CODE\n${list}`, EXIT.usage);
  }
  const course = courses.find((c) => c.course.code.toLowerCase() === code.toLowerCase());
  if (!course)
    throw new CliError(`You are in no course ${code}: ${courses.map((c) => c.course.code).join(', ')}`, EXIT.usage);
  const chosen = await json<{ detail?: string }>(`${profile.url}/v1/me/sso/choice`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ enrollmentId: course.enrollmentId }),
  });
  if (chosen.status !== 200) throw new CliError(`LabKeys refused: ${chosen.body.detail ?? chosen.status}`, EXIT.failed);
  return course.course.code;
}
