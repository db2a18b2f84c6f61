import { execFileSync } from 'node:child_process';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import type { DemoClass } from '../../scripts/demo/demo-seed';
import { ADMIN, start, startStack, stop, stopStack, waitFor, type Stack } from './global-setup';
import { look, watchConsole } from './support/look';

/**
 * The student page against a stack of its own (aws-local, api, worker on a fresh database and queue prefix):
 * its auto-renew lab renews a minute after each issuance (RENEW_LEAD_SECONDS), and the test restarts the api to
 * cut the student's stream, which the dashboard walk's shared stack must not see.
 */
// The compiled seed (dist/, built by the test command): its imports carry Nest's decorators, which Playwright's
// own TypeScript transform does not compile the way tsc does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { seedDemoClass } = require(
  join(__dirname, '../../dist/scripts/demo/demo-seed.js'),
) as typeof import('../../scripts/demo/demo-seed');

const SESSION_SECONDS = 900;
const RENEW_AFTER_SECONDS = 60;

let stack: Stack;
let demo: DemoClass;

test.beforeAll(async () => {
  stack = await startStack('student', {
    RENEW_LEAD_SECONDS: String(SESSION_SECONDS - RENEW_AFTER_SECONDS),
    // Renewals come from each session's own renewal job only, a minute after it was issued.
    SWEEP_INTERVAL_SECONDS: '3600',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    // A student held back by aws-local (step 8) is retried for about two minutes before it would fail.
    ISSUE_MAX_ATTEMPTS: '10',
  });
  const { apiUrl, awsUrl, database } = stack;
  demo = await seedDemoClass(database.url, apiUrl, awsUrl, ADMIN, 'assumeRole', {
    sessionDurationSeconds: SESSION_SECONDS,
    autoRenew: true,
  });
});

test.afterAll(async () => {
  if (stack) await stopStack(stack);
});

/** What `eval "$(pasted text)"` sets in a clean bash: the keys a student would then use. */
function exportsOf(text: string): Record<string, string> {
  const out = execFileSync('env', ['-i', 'bash', '--norc', '--noprofile', '-c', `${text}\nenv -0`], {
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .split('\0')
      .filter((line) => line.startsWith('AWS_'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

async function callerArn(vars: Record<string, string>): Promise<string> {
  const sts = new STSClient({
    endpoint: stack.awsUrl,
    region: vars.AWS_REGION,
    maxAttempts: 1,
    credentials: {
      accessKeyId: vars.AWS_ACCESS_KEY_ID,
      secretAccessKey: vars.AWS_SECRET_ACCESS_KEY,
      sessionToken: vars.AWS_SESSION_TOKEN,
    },
  });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn!;
  } finally {
    sts.destroy();
  }
}

const owner = (method: string, path: string, body?: unknown) =>
  fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${demo.ownerToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** aws-local throttles the STS calls of these role session name prefixes (none: everyone is let through). */
async function throttleSessionNames(prefixes: string[]): Promise<void> {
  const res = await fetch(`${stack.awsUrl}/_aws-local/faults`, {
    method: 'PUT',
    body: JSON.stringify({ throttleRoleSessionNames: prefixes }),
  });
  expect(res.status).toBe(200);
}

/** What PowerShell sets from `$Env:NAME = 'value'` (or "value") lines; anything else on a line is refused. */
function powershellVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^\$Env:([A-Za-z_][A-Za-z0-9_]*) = (?:'((?:[^']|'')*)'|"([^"`$]*)")$/.exec(line);
    if (!m) throw new Error(`not a PowerShell assignment: ${line}`);
    vars[m[1]] = m[2] !== undefined ? m[2].replace(/''/g, "'") : m[3];
  }
  return vars;
}

/** What cmd sets from `set "NAME=value"` lines. */
function cmdVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('rem ')) continue;
    const m = /^set "([A-Za-z_][A-Za-z0-9_]*)=([^"]*)"$/.exec(line);
    if (!m) throw new Error(`not a cmd assignment: ${line}`);
    vars[m[1]] = m[2].replace(/%%/g, '%');
  }
  return vars;
}

/** The key = value lines of an INI section. */
function iniSection(text: string, section: string): Record<string, string> {
  const lines = text.split(/\r?\n/);
  const start = lines.indexOf(`[${section}]`);
  expect(start).toBeGreaterThanOrEqual(0);
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[')) break;
    const m = /^([a-z_]+) = (.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const FORMAT_LABELS = {
  env: 'bash / zsh',
  fish: 'fish',
  powershell: 'PowerShell',
  cmd: 'Windows cmd',
  credentials: '~/.aws/credentials',
  config: '~/.aws/config',
  json: 'JSON',
} as const;

const shownCredentials = (page: Page) => page.locator('pre[aria-label^="credentials as"]');

test('a student from the access link to a revoked lab, signed out at the end', async ({ page, context }, testInfo) => {
  const consoleErrors = watchConsole(page);
  // While the api restarts, the browser logs its refused reconnects; those are the network, not the page.
  let restarting = false;
  page.on('console', (m) => {
    if (restarting && m.type() === 'error' && /\/v1\/me\//.test(`${m.text()} ${m.location().url}`))
      consoleErrors.splice(consoleErrors.indexOf(m.text()), 1);
  });
  const lab = page.locator('section.lab-state');

  // 1. The link from the API: credentials and a countdown; the token leaves the address bar.
  expect(demo.student.link).toMatch(new RegExp(`^${stack.apiUrl}/student#token=lks_`));
  await page.goto(demo.student.link);
  await expect(page.getByRole('heading', { level: 1, name: 'Cloud Foundations' })).toBeVisible();
  await expect(lab).toHaveAttribute('data-state', 'ready');
  await expect(lab.getByRole('heading', { name: /^Demo lab / })).toBeVisible();
  await expect(page.getByText('Live updates on')).toBeVisible();
  await expect(page.getByTestId('countdown')).toHaveText(/^1[0-4]:\d\d$/);
  const first = await page.getByTestId('countdown').textContent();
  await expect(page.getByTestId('countdown')).not.toHaveText(first!);
  expect(page.url()).toBe(`${stack.apiUrl}/student`);
  await expect(shownCredentials(page)).toContainText('export AWS_ACCESS_KEY_ID=');
  await look(page, 'student-ready', testInfo);

  // 2. Reload: still signed in (the cookie), no token anywhere in the URL.
  await page.reload();
  await expect(lab).toHaveAttribute('data-state', 'ready');
  expect(page.url()).toBe(`${stack.apiUrl}/student`);
  const cookies = await context.cookies(stack.apiUrl + '/v1/me');
  const session = cookies.find((c) => c.name === 'lks_session')!;
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/me', secure: false });
  expect(session.value).not.toContain(demo.student.token);

  // 3. Choose a format (kept for the next visit), copy it: the keys work against aws-local.
  await page.getByRole('radio', { name: 'fish' }).check();
  await expect(shownCredentials(page)).toContainText('set -gx AWS_ACCESS_KEY_ID');
  await page.getByRole('radio', { name: 'bash / zsh' }).focus();
  await page.keyboard.press('Space');
  await expect(shownCredentials(page)).toContainText('export AWS_SESSION_TOKEN=');
  await page.getByRole('button', { name: 'Copy bash / zsh' }).click();
  await expect(page.getByText('Copied', { exact: true })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await shownCredentials(page).textContent());
  const vars = exportsOf(copied);
  expect(await callerArn(vars)).toMatch(/^arn:aws:sts::123456789012:assumed-role\//);

  // Each format with its own copy button, read back from the clipboard: what was copied is what is shown.
  const copiedAs: Partial<Record<keyof typeof FORMAT_LABELS, string>> = {};
  for (const [id, label] of Object.entries(FORMAT_LABELS) as [keyof typeof FORMAT_LABELS, string][]) {
    await page.getByRole('radio', { name: label, exact: true }).check();
    await expect(shownCredentials(page)).toHaveAttribute('data-format', id);
    await expect(shownCredentials(page)).not.toHaveText('Loading…');
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await page.getByRole('button', { name: `Copy ${label}`, exact: true }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).not.toBe('');
    copiedAs[id] = await page.evaluate(() => navigator.clipboard.readText());
    expect(copiedAs[id]).toBe(await shownCredentials(page).textContent());
  }
  const json = JSON.parse(copiedAs.json!) as {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    region: string;
  };
  const keys = {
    AWS_ACCESS_KEY_ID: json.accessKeyId,
    AWS_SECRET_ACCESS_KEY: json.secretAccessKey,
    AWS_SESSION_TOKEN: json.sessionToken,
  };
  expect(json.accessKeyId).toBe(vars.AWS_ACCESS_KEY_ID);
  expect(exportsOf(copiedAs.env!)).toMatchObject(keys);
  // PowerShell and cmd, parsed as those shells would: the three variables are the keys shown.
  expect(powershellVars(copiedAs.powershell!)).toMatchObject(keys);
  expect(cmdVars(copiedAs.cmd!)).toMatchObject(keys);
  for (const value of Object.values(keys)) expect(copiedAs.fish).toContain(value);
  expect(iniSection(copiedAs.credentials!, 'lab')).toMatchObject({
    aws_access_key_id: json.accessKeyId,
    aws_secret_access_key: json.secretAccessKey,
    aws_session_token: json.sessionToken,
    region: json.region,
  });
  expect(iniSection(copiedAs.config!, 'profile lab').credential_process).toBe(
    'labkeys credential-process --profile lab',
  );
  await page.getByRole('radio', { name: 'bash / zsh' }).check();
  await page.getByRole('radio', { name: '~/.aws/config' }).check();
  await expect(shownCredentials(page)).toContainText('credential_process = labkeys credential-process --profile lab');
  await look(page, 'student-config-format', testInfo);
  await page.reload();
  await expect(page.getByRole('radio', { name: '~/.aws/config' })).toBeChecked();
  await page.getByRole('radio', { name: '~/.aws/credentials' }).check();
  await expect(shownCredentials(page)).toContainText('region = us-east-1');

  // 4. "Open the AWS console": a single-use link opens aws-local's console in a new tab; a second use is refused.
  const [popup, minted] = await Promise.all([
    context.waitForEvent('page'),
    page.waitForResponse((r) => r.url().includes('/v1/me/sessions/current/console?mode=link')),
    page.getByRole('button', { name: 'Open the AWS console' }).click(),
  ]);
  const { url: consoleLink } = (await minted.json()) as { url: string };
  expect(consoleLink).toMatch(new RegExp(`^${stack.apiUrl}/v1/console/`));
  await expect(popup.getByRole('heading', { name: 'AWS Management Console' })).toBeVisible();
  expect(popup.url()).toMatch(new RegExp(`^${stack.awsUrl}/console\\?session=`));
  await expect(popup.locator('#arn')).toContainText(':assumed-role/');
  await popup.close();
  expect((await fetch(consoleLink, { redirect: 'manual' })).status).toBe(410);
  await expect(page.getByText('The AWS console opened in a new tab.')).toBeVisible();

  // 5. The lab renews the keys: the shown ones are replaced, with a notice, without a reload.
  const before = await shownCredentials(page).textContent();
  await expect(page.locator('.renewed')).toContainText('New keys were issued', {
    timeout: 3 * RENEW_AFTER_SECONDS * 1000,
  });
  await expect(shownCredentials(page)).not.toHaveText(before!, { timeout: 3 * RENEW_AFTER_SECONDS * 1000 });
  await look(page, 'student-renewed', testInfo);

  // 6. The stream is cut (the api restarts): the page says so, reconnects, and goes on receiving events.
  restarting = true;
  await stop(stack.api);
  await expect(page.getByText('Reconnecting for live updates…')).toBeVisible();
  await look(page, 'student-reconnecting', testInfo);
  stack.api = start('student-api', 'dist/apps/api/src/main.js', [], stack.env);
  await waitFor(`${stack.apiUrl}/health`, stack.api, 'the restarted api');
  await expect(page.getByText('Live updates on')).toBeVisible({ timeout: 60_000 });
  restarting = false;

  // 7. The instructor revokes the lab with a reason: the page shows it ended and why, as text, without a reload.
  const reason = 'Lab 1 is over <b>for today</b> — see you on Thursday!';
  expect((await owner('POST', `/v1/labs/${demo.labId}/revoke`, { reason })).status).toBe(202);
  await expect(lab).toHaveAttribute('data-state', 'revoked');
  await expect(lab).toContainText(`Ended: your instructor ended your access: ${reason}`);
  await expect(lab.locator('b')).toHaveCount(0);
  await expect(shownCredentials(page)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Open the AWS console' })).toHaveCount(0);
  await look(page, 'student-revoked', testInfo);

  // 8. A second lab starts while the page is open: the page waits and follows the class getting ready, live.
  // aws-local first holds back the whole class (nobody ready), then only this student (everyone else ready).
  await throttleSessionNames(['lk-']);
  const labOne = (await (await owner('GET', `/v1/labs/${demo.labId}`)).json()) as { templateId: string };
  const second = (await (
    await owner('POST', '/v1/labs', {
      name: 'Demo lab, part 2',
      courseId: demo.courseId,
      templateId: labOne.templateId,
      sessionDurationSeconds: SESSION_SECONDS,
    })
  ).json()) as { id: string };
  expect((await owner('POST', `/v1/labs/${second.id}/start`)).status).toBe(202);
  await expect(lab).toHaveAttribute('data-state', 'waiting');
  await expect(lab.getByRole('heading', { name: 'Demo lab, part 2' })).toBeVisible();
  const progress = page.getByTestId('class-progress');
  await expect(progress).toHaveText('Your class is getting ready: 0 of 30 ready');
  await throttleSessionNames([`lk-${demo.student.handle}-`]);
  await expect(progress).toHaveText('Your class is getting ready: 29 of 30 ready', { timeout: 60_000 });
  await look(page, 'student-waiting-progress', testInfo);
  await throttleSessionNames([]);
  await expect(lab).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await expect(progress).toHaveCount(0);
  await expect(shownCredentials(page)).toContainText(/aws_access_key_id = ASIA/);

  // 9. This student alone is revoked, with a reason of its own.
  const [mine] = (
    (await (await owner('GET', `/v1/labs/${second.id}/sessions?limit=200`)).json()) as {
      items: { id: string; studentEmail: string }[];
    }
  ).items.filter((s) => s.studentEmail === demo.student.email);
  const ownReason = 'Please come and see me about your bucket policy.';
  expect((await owner('POST', `/v1/labs/${second.id}/sessions/${mine.id}/revoke`, { reason: ownReason })).status).toBe(
    202,
  );
  await expect(lab).toContainText(`Ended: your instructor ended your access: ${ownReason}`);
  await page.reload();
  await expect(lab).toContainText(`Ended: your instructor ended your access: ${ownReason}`);
  await look(page, 'student-revoked-own-reason', testInfo);
  // The rest of the class is let go too, so the phone test below finds every access ended.
  expect((await owner('POST', `/v1/labs/${second.id}/revoke`)).status).toBe(202);

  // 10. Sign out: the session ends; a reload shows the page signed out.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Signed out' })).toBeVisible();
  await look(page, 'student-signed-out', testInfo);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Not signed in' })).toBeVisible();
  expect(
    await fetch(`${stack.apiUrl}/v1/me/session`, { headers: { cookie: `lks_session=${session.value}` } }).then(
      (r) => r.status,
    ),
  ).toBe(401);

  expect(consoleErrors).toEqual([]);
});

test('a phone, keyboard only: the link opens the page and every control is reachable', async ({ page }, testInfo) => {
  const consoleErrors = watchConsole(page);
  await page.setViewportSize({ width: 390, height: 844 });
  const link = (await (await owner('GET', `/v1/courses/${demo.courseId}/enrollments?limit=5`)).json()) as {
    items: { id: string }[];
  };
  const fresh = (await (
    await owner('POST', `/v1/courses/${demo.courseId}/enrollments/${link.items[1].id}/access-link`)
  ).json()) as { accessLink: string };
  await page.goto(fresh.accessLink);
  // The lab was revoked for everyone above; this student sees how it ended.
  await expect(page.locator('section.lab-state')).toHaveAttribute('data-state', 'revoked');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Signed out' })).toBeVisible();
  await look(page, 'student-phone-signed-out', testInfo);
  expect(consoleErrors).toEqual([]);
});
