import { expect, test, type Page } from '@playwright/test';
import { createTenant } from './global-setup';
import { AuthenticatorApp } from './support/authenticator-app';
import { look, watchConsole } from './support/look';

const EMAIL = 'sam.two-schools@example.edu';
const PASSWORD = 'one passphrase for both schools';

function invite(school: string): string {
  const env = { ...process.env, ...JSON.parse(process.env.LABKEYS_BROWSER_ADMIN_ENV!) } as NodeJS.ProcessEnv;
  return createTenant(env, school, EMAIL, 'Sam Two').ownerInvitationUrl;
}

async function accept(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Labs' })).toBeVisible();
}

async function signInTo(page: Page, school: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const choice = page.getByRole('group', { name: 'This email belongs to several schools. Which one?' });
  await expect(choice).toBeVisible();
  await choice.getByLabel(school).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an email in two schools: sign-in asks which, and a recovery code works once', async ({ page }, testInfo) => {
  const consoleErrors = watchConsole(page);
  const north = invite('North Campus');
  const south = invite('South Campus');

  // Two invitations to the same email, in two schools; two-factor sign-in in the first.
  await accept(page, north);
  await page.getByRole('link', { name: 'Account' }).click();
  await page.getByRole('link', { name: 'Set up two-factor sign-in' }).click();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  const app = new AuthenticatorApp((await page.locator('code.secret').textContent())!);
  await page.getByLabel('The 6-digit code the app shows now').fill(await app.nextCode());
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  const recoveryCodes = (await page.locator('pre[aria-label="recovery codes"]').textContent())!.trim().split('\n');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await accept(page, south);
  await expect(page.locator('.tenant')).toHaveText('South Campus');

  // The password opens both: the page asks which school, then (North) the second factor, here a recovery code.
  await signInTo(page, 'North Campus');
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.locator('.tenant')).toHaveText('North Campus');

  // The same recovery code a second time is refused, with the api's words next to the field.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('group', { name: 'This email belongs to several schools. Which one?' })
    .getByLabel('North Campus')
    .check();
  await look(page, 'sign-in-school-choice', testInfo);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await look(page, 'mfa-recovery-refused', testInfo);
  await page.getByLabel('Recovery code').fill(recoveryCodes[1]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.locator('.tenant')).toHaveText('North Campus');

  expect(consoleErrors).toEqual([]);
});
