import { join } from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { DemoClass } from '../../scripts/demo/demo-seed';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider';
import { ADMIN, startStack, stopStack, type Stack } from './global-setup';
import { look, watchConsole } from './support/look';

/**
 * School sign-in in a real browser: a stack of its own (aws-local, api, worker), the demo class, and a real
 * OpenID Connect provider (oidc-provider, its own process) whose login and consent pages the test fills in.
 */
// The compiled seed, as in student.spec.ts (Playwright's transform does not compile Nest's decorators).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { seedDemoClass } = require(
  join(__dirname, '../../dist/scripts/demo/demo-seed.js'),
) as typeof import('../../scripts/demo/demo-seed');

const PASSWORD = 'school password 1';
const SCHOOL = 'Demo University';

let stack: Stack;
let demo: DemoClass;
let provider: TestOidcProvider;
let tenantId: string;

test.beforeAll(async () => {
  stack = await startStack('sso', {
    API_RATE_LIMIT_PER_MINUTE: '100000',
  });
  const { apiUrl, awsUrl, database } = stack;
  demo = await seedDemoClass(database.url, apiUrl, awsUrl, ADMIN, 'assumeRole');
  provider = await startOidcProvider({
    clients: [
      {
        client_id: 'labkeys-demo',
        client_secret: 'demo-university-client-secret',
        client_name: 'LabKeys',
        redirect_uris: [`${apiUrl}/v1/auth/sso/callback`],
        post_logout_redirect_uris: [`${apiUrl}/sign-in`],
      },
    ],
    users: [
      { login: 'teacher', password: PASSWORD, email: demo.teacher.email, name: 'Demo Teacher' },
      { login: 'student', password: PASSWORD, email: demo.student.email, name: 'Student 1' },
      { login: 'unverified', password: PASSWORD, email: 'student02@demo.labkeys.example', email_verified: false },
      { login: 'outsider', password: PASSWORD, email: 'someone@elsewhere.example' },
      { login: 'nobody', password: PASSWORD, email: 'nobody@demo.labkeys.example' },
    ],
  });
  const owner = (method: string, path: string, body?: unknown) =>
    fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${demo.ownerToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  tenantId = ((await (await owner('GET', '/v1/tenant')).json()) as { id: string }).id;
  const created = await owner('POST', '/v1/identity-providers', {
    displayName: SCHOOL,
    issuer: provider.issuer,
    clientId: 'labkeys-demo',
    clientSecret: 'demo-university-client-secret',
    allowedDomains: ['demo.labkeys.example'],
  });
  expect(created.status).toBe(201);
});

test.afterAll(async () => {
  await provider?.stop();
  if (stack) await stopStack(stack);
});

/** At the school's own sign-in page: its login form, then its consent form, as a person fills them in. */
async function atSchool(page: Page, login: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Sign in to the school' })).toBeVisible();
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Allow access' })).toBeVisible();
  await page.getByRole('button', { name: 'Allow' }).click();
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test('a student signs in with the school and sees their credentials, no access link needed', async ({
  page,
}, testInfo) => {
  const consoleErrors = watchConsole(page);
  await page.goto(`${stack.apiUrl}/student/sso/${tenantId}`);
  await expect(page.getByRole('heading', { level: 1, name: /^Sign in to your labs at / })).toBeVisible();
  await look(page, 'sso-student-sign-in', testInfo);
  // Keyboard: the button is reached with Tab and followed with Enter.
  const button = page.getByRole('link', { name: `Sign in with ${SCHOOL}` });
  await button.focus();
  await page.keyboard.press('Enter');
  await atSchool(page, 'student');
  await expect(page).toHaveURL(`${stack.apiUrl}/student`);
  await expect(page.getByRole('heading', { level: 1, name: 'Cloud Foundations' })).toBeVisible();
  await expect(page.locator('section.lab-state')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('pre[aria-label^="credentials as"]')).toContainText('export AWS_ACCESS_KEY_ID=');
  await look(page, 'sso-student-credentials', testInfo);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Signed out' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('an instructor signs in with the school and reaches the lab board', async ({ page }, testInfo) => {
  const consoleErrors = watchConsole(page);
  await page.goto(`${stack.apiUrl}/sign-in?tenant=${tenantId}`);
  await expect(page.getByRole('heading', { level: 1, name: /^Sign in to / })).toBeVisible();
  await look(page, 'sso-instructor-sign-in', testInfo);
  await page.getByRole('link', { name: `Sign in with ${SCHOOL}` }).click();
  await atSchool(page, 'teacher');
  await expect(page.getByRole('heading', { level: 1, name: 'Labs' })).toBeVisible();
  await page
    .getByRole('link', { name: /^Demo lab / })
    .first()
    .click();
  await expect(page.getByRole('heading', { level: 1, name: /^Demo lab / })).toBeVisible();
  await expect(page.locator('.stream.live')).toHaveText('live');
  await look(page, 'sso-instructor-lab-board', testInfo);

  // The owner's sign-in settings: the provider, its write-only secret, the toggles; a test sign-in's claims.
  await page.getByRole('link', { name: 'Sign-in', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: SCHOOL })).toBeVisible();
  await expect(page.getByText('stored (never shown)')).toBeVisible();
  await expect(page.getByText('demo-university-client-secret')).toHaveCount(0);
  await page.getByRole('button', { name: 'Test sign-in' }).click();
  // The school remembers the teacher (its own session): straight back with the claims.
  await expect(page.getByText('The test sign-in worked')).toBeVisible();
  await expect(page.getByLabel(`Claims returned by ${SCHOOL}`)).toContainText(demo.teacher.email);
  await look(page, 'sso-settings', testInfo);
  expect(consoleErrors).toEqual([]);
});

for (const [login, words, shot] of [
  ['outsider', 'not one of your school’s addresses', 'sso-refused-domain'],
  ['unverified', 'has not verified this email address', 'sso-refused-unverified'],
  ['nobody', 'not in any current course', 'sso-refused-no-enrollment'],
] as const) {
  test(`a ${login} student gets a clear refusal`, async ({ browser }, testInfo) => {
    const page = await freshPage(browser);
    await page.goto(`${stack.apiUrl}/student/sso/${tenantId}`);
    await page.getByRole('link', { name: `Sign in with ${SCHOOL}` }).click();
    await atSchool(page, login);
    await expect(page).toHaveURL(new RegExp(`^${stack.apiUrl}/student/sso/${tenantId}\\?sso_error=`));
    await expect(page.getByRole('alert')).toContainText(words);
    await look(page, shot, testInfo);
    await page.context().close();
  });
}
