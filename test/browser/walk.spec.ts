import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { expect, test, type Page } from '@playwright/test';
import { createRolesFromSetup } from '../../scripts/demo/demo-aws';
import { ADMIN, OWNER } from './global-setup';
import { AuthenticatorApp } from './support/authenticator-app';
import { look, watchConsole } from './support/look';

const web = () => process.env.LABKEYS_WEB_URL!;
const awsUrl = () => process.env.LABKEYS_AWS_URL!;
const PASSWORD = 'a long classroom passphrase 42';
const STUDENTS = Array.from({ length: 30 }, (_, i) => ({
  email: `student${String(i + 1).padStart(2, '0')}@northfield.example`,
  name: `Student ${i + 1}`,
}));
const csv = (rows: string[]) => Buffer.from(['email,displayName', ...rows].join('\r\n') + '\r\n');

/** A student's credentials, fetched with their access link's token as the `labkeys` CLI would. */
async function studentCredentials(token: string) {
  const res = await fetch(`${web()}/v1/me/sessions/current`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

async function listBuckets(creds: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}): Promise<string> {
  const s3 = new S3Client({
    endpoint: awsUrl(),
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
  });
  try {
    await s3.send(new ListBucketsCommand({}));
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  } finally {
    s3.destroy();
  }
}

/** Replaces the whole text of the CodeMirror editor, as a paste would (no bracket auto-closing). */
async function replaceEditorText(page: Page, text: string): Promise<void> {
  const content = page.locator('.json-editor .cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/**
 * Step-up lasts SESSION_STEP_UP_SECONDS (20 s here, see global-setup.ts) after the last code: waits until
 * the session says it has lapsed, so the next sensitive change asks for a code.
 */
async function letStepUpLapse(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const session = (await (await page.request.get(`${web()}/v1/auth/session`)).json()) as {
          stepUpUntil: string | null;
        };
        return session.stepUpUntil;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBeNull();
}

async function stepUp(page: Page, app: AuthenticatorApp): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Authenticator code').fill(await app.nextCode());
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}

test('an instructor from invitation to a revoked student and an ended lab', async ({ page }, testInfo) => {
  const consoleErrors = watchConsole(page);

  // 1. The owner's invitation (from the admin CLI): set a password.
  await page.goto(process.env.LABKEYS_OWNER_INVITATION_URL!);
  await expect(page.getByRole('heading', { name: 'Accept invitation' })).toBeVisible();
  await expect(page.getByText(OWNER.email)).toBeVisible();
  expect(new URL(page.url()).hash).toBe('');
  await look(page, 'invite', testInfo);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password again').fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password and continue' }).click();
  await expect(page).toHaveURL(/\/labs$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Labs' })).toBeVisible();

  // 2. Two-factor sign-in: the QR code and secret, a first code, the recovery codes.
  await page.getByRole('link', { name: 'Account' }).click();
  await look(page, 'account', testInfo);
  await page.getByRole('link', { name: 'Set up two-factor sign-in' }).click();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const app = new AuthenticatorApp((await page.locator('code.secret').textContent())!);
  await look(page, 'mfa-enrol', testInfo);
  await page.getByLabel('The 6-digit code the app shows now').fill(await app.nextCode());
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByText('Two-factor sign-in is on.')).toBeVisible();
  expect(
    (await page.locator('pre[aria-label="recovery codes"]').textContent())!.trim().split('\n').length,
  ).toBeGreaterThanOrEqual(8);
  await look(page, 'mfa-recovery-codes', testInfo);
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByText('On: signing in asks for a code')).toBeVisible();

  // 3. Sign out, sign in again with the keyboard alone: password, then a code.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await look(page, 'sign-in', testInfo);
  await expect(page.getByLabel('Email', { exact: true })).toBeFocused();
  await page.keyboard.type(OWNER.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await look(page, 'mfa-challenge', testInfo);
  await expect(page.getByLabel('Authenticator code')).toBeFocused();
  await page.keyboard.type(await app.nextCode());
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/labs$/);

  // 4. A course, a CSV with one bad row (refused whole, the row named), then the real roster.
  await page.getByRole('link', { name: 'Courses' }).click();
  await page.getByLabel('Code', { exact: true }).fill('CLOUD101');
  await page.getByLabel('Title', { exact: true }).fill('Cloud Foundations');
  await page.getByLabel('Title', { exact: true }).press('Enter');
  await expect(page.getByRole('link', { name: 'CLOUD101' })).toBeVisible();
  await look(page, 'courses', testInfo);
  await page.getByRole('link', { name: 'CLOUD101' }).click();
  await expect(page.getByRole('heading', { name: 'CLOUD101: Cloud Foundations' })).toBeVisible();
  const withBadRow = STUDENTS.map((s) => `${s.email},${s.name}`);
  withBadRow[3] = 'not-an-email,Broken Row';
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: csv(withBadRow) });
  await page.getByRole('button', { name: 'Check and import' }).click();
  const report = page.getByRole('table', { name: 'Rows to fix (nothing was imported)' });
  await expect(report).toBeVisible();
  // The header is line 1, so the fourth student row is line 5.
  await expect(report.getByRole('row').nth(1)).toHaveText(/^5\s*email\s*email must be an email address$/);
  await expect(page.getByText('No students yet')).toBeVisible();
  await look(page, 'course-csv-report', testInfo);
  await page.getByLabel('CSV file').setInputFiles({
    name: 'roster.csv',
    mimeType: 'text/csv',
    buffer: csv(STUDENTS.map((s) => `${s.email},${s.name}`)),
  });
  await page.getByRole('button', { name: 'Check and import' }).click();
  await expect(page.getByText('30 new student(s)')).toBeVisible();
  await expect(page.getByText('30 student(s) enrolled')).toBeVisible();
  await page.getByLabel('Search students').fill('student07');
  await expect(page.getByRole('region', { name: 'Roster table' }).locator('tbody tr')).toHaveCount(1);
  await page.getByLabel('Search students').fill('');
  await expect(page.getByRole('navigation', { name: 'Roster pages' })).toBeVisible();
  await look(page, 'course', testInfo);
  // A fresh access link for the student whose access is revoked later (shown once, with a copy button).
  await page.getByRole('button', { name: `Issue link for ${STUDENTS[0].email}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Issue new link' }).click();
  const accessLink = (await page.locator('code[aria-label="access link"]').textContent())!;
  const studentToken = new URL(accessLink).hash.replace(/^#token=/, '');
  expect(studentToken).toMatch(/^lks_/);
  await expect(page.getByRole('button', { name: 'Copy access link' })).toBeVisible();

  // 5. A connection (a sensitive change: step-up), its roles created in aws-local from the setup the page shows, verify.
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByLabel('Name', { exact: true }).fill('school-aws');
  await page.getByLabel('AWS account id', { exact: true }).fill('123456789012');
  await page.getByLabel('Lab role ARN', { exact: true }).fill('arn:aws:iam::123456789012:role/LabKeysStudentLab');
  await page
    .getByLabel('Management role ARN', { exact: true })
    .fill('arn:aws:iam::123456789012:role/LabKeysManagement');
  await page.getByLabel('Endpoint override (optional)').fill(awsUrl());
  await look(page, 'connections', testInfo);
  await letStepUpLapse(page);
  await page.getByRole('button', { name: 'Create connection' }).click();
  await stepUp(page, app);
  await expect(page.getByRole('heading', { name: 'Connection school-aws' })).toBeVisible();
  const text = async (selector: string) => JSON.parse((await page.locator(selector).textContent())!);
  const labRoleName = (await page.getByRole('heading', { name: /^Lab role / }).textContent())!.replace(
    /^Lab role /,
    '',
  );
  const managementRoleName = (await page.getByRole('heading', { name: /^Management role / }).textContent())!.replace(
    /^Management role /,
    '',
  );
  const managementPolicyName = (await page.locator('p:has-text("Inline policy") code').textContent())!;
  await createRolesFromSetup(awsUrl(), ADMIN, {
    labRole: {
      roleName: labRoleName,
      path: '/',
      trustPolicy: await text('pre[aria-label="lab role trust policy"]'),
      maxSessionDuration: 43200,
    },
    managementRole: {
      roleName: managementRoleName,
      path: '/',
      trustPolicy: await text('pre[aria-label="management role trust policy"]'),
      policyName: managementPolicyName,
      policy: await text('pre[aria-label="management policy"]'),
    },
  });
  await page.getByRole('tab', { name: 'Terraform' }).click();
  await expect(page.locator('pre[aria-label="Terraform"]')).toContainText('aws_iam_role');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'CloudFormation' })).toBeFocused();
  await expect(page.locator('pre[aria-label="CloudFormation template"]')).toContainText('AWS::IAM::Role');
  await page.getByRole('tab', { name: 'Policies (JSON)' }).click();
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByText('Verified: LabKeys can issue and end access with this connection.')).toBeVisible();
  await look(page, 'connection', testInfo);

  // 6. A template: an unknown action is shown at its place in the policy, then a valid one, then the preview.
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('link', { name: 'New template' }).click();
  await page.getByLabel('Name', { exact: true }).fill('scoped-s3');
  await expect(page.getByLabel('Role ARN', { exact: true })).toHaveValue(/:role\//);
  const policy = (action: string) =>
    JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: action, Resource: '*' },
          {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: 'arn:aws:s3:::class-bucket',
            Condition: { StringLike: { 's3:prefix': 'students/{{student.handle}}/*' } },
          },
        ],
      },
      null,
      2,
    );
  await replaceEditorText(page, policy('s3:ListAllMyBucketz'));
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(
    page.locator('.field-error').filter({ hasText: 'sessionPolicyTemplate.Statement[0].Action' }),
  ).toContainText('Unknown action "s3:ListAllMyBucketz"');
  await expect(page.locator('.json-editor .cm-lintRange-error')).toHaveText('"s3:ListAllMyBucketz"');
  await look(page, 'template-error', testInfo);
  await replaceEditorText(page, policy('s3:ListAllMyBuckets'));
  await page.getByRole('button', { name: 'Create template' }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  await page.getByLabel('Course', { exact: true }).selectOption({ label: 'CLOUD101: Cloud Foundations' });
  await page
    .getByLabel('Student', { exact: true })
    .selectOption({ label: `${STUDENTS[0].name} (${STUDENTS[0].email})` });
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = JSON.parse((await page.locator('pre[aria-label="AssumeRole parameters"]').textContent())!);
  expect(preview.RoleArn).toMatch(/:role\//);
  expect(preview.SourceIdentity).toMatch(/^[a-z0-9-]+$/);
  expect(preview.Policy).toContain(`students/${preview.SourceIdentity}/*`);
  await look(page, 'template', testInfo);

  // 7. A lab: create, start, and the board reaches 30 ACTIVE live (no reload).
  await page.getByRole('link', { name: 'Labs' }).click();
  await page.getByRole('link', { name: 'New lab' }).click();
  await page.getByLabel('Name', { exact: true }).fill('Lab 1: S3 basics');
  await page.getByLabel('Session length in minutes (optional)').fill('60');
  await page.getByLabel('Renew sessions before they expire while the lab runs').check();
  await look(page, 'lab-new', testInfo);
  await page.getByRole('button', { name: 'Create lab' }).click();
  await expect(page.getByRole('heading', { name: 'Lab 1: S3 basics' })).toBeVisible();
  await expect(page.getByText('live', { exact: true })).toBeVisible();
  await page.evaluate(() => {
    const w = window as unknown as { walkMarker: boolean; activeSeen: string[] };
    w.walkMarker = true;
    w.activeSeen = [];
    const read = () => document.querySelector('[data-testid="count-ACTIVE"]')?.textContent ?? '';
    new MutationObserver(() => {
      if (w.activeSeen[w.activeSeen.length - 1] !== read()) w.activeSeen.push(read());
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
    w.activeSeen.push(read());
  });
  await page.getByRole('button', { name: 'Start lab' }).click();
  await expect(page.getByTestId('count-ACTIVE')).toHaveText('30', { timeout: 120_000 });
  await expect(page.locator('li.student[data-state="ACTIVE"]')).toHaveCount(30);
  const live = await page.evaluate(() => {
    const w = window as unknown as { walkMarker?: boolean; activeSeen: string[] };
    return { walkMarker: w.walkMarker, activeSeen: w.activeSeen };
  });
  expect(live.walkMarker).toBe(true);
  expect(live.activeSeen[0]).toBe('0');
  expect(live.activeSeen[live.activeSeen.length - 1]).toBe('30');
  await expect(page.locator('li.student').first()).toContainText(/expires in \d+:\d\d/);
  await look(page, 'lab-board', testInfo);

  // 8. Revoke one student: the board shows REVOKED and aws-local denies their credentials.
  const creds = await studentCredentials(studentToken);
  expect(await listBuckets(creds)).toBe('ok');
  const card = page.locator('li.student').filter({ hasText: STUDENTS[0].email });
  await card.getByRole('button', { name: `Revoke ${STUDENTS[0].email}` }).click();
  const confirm = page.getByRole('dialog', { name: `Revoke ${STUDENTS[0].email}?` });
  // An optional reason for the student, typed in the confirmation; the card shows it once revoked.
  await confirm.getByLabel('Reason for the student (optional)').fill('  Shared their keys in the forum.  ');
  await look(page, 'lab-board-revoke-reason', testInfo);
  await confirm.getByRole('button', { name: 'Revoke access' }).click();
  await expect(card).toHaveAttribute('data-state', 'REVOKED');
  await expect(card).toContainText('Reason: Shared their keys in the forum.');
  await expect(page.getByTestId('count-REVOKED')).toHaveText('1');
  await expect(page.getByTestId('count-ACTIVE')).toHaveText('29');
  expect(await listBuckets(creds)).toBe('AccessDenied');
  await look(page, 'lab-board-revoked', testInfo);

  // 9. End the lab.
  await page.getByRole('button', { name: 'End lab' }).click();
  await page.getByRole('dialog', { name: 'End this lab now?' }).getByRole('button', { name: 'End lab' }).click();
  await expect(page.getByText(/Lab ended: \d+ session\(s\) revoked/)).toBeVisible();
  await expect(page.getByTestId('count-ACTIVE')).toHaveText('0');
  expect(await page.evaluate(() => (window as unknown as { walkMarker?: boolean }).walkMarker)).toBe(true);

  // 10. The remaining pages: labs, templates, audit log (filtered), instructors (invite).
  await page.getByRole('link', { name: 'Labs' }).click();
  await expect(page.getByRole('link', { name: 'Lab 1: S3 basics' })).toBeVisible();
  await look(page, 'labs', testInfo);
  await page.getByRole('link', { name: 'Templates' }).click();
  await expect(page.getByRole('link', { name: 'scoped-s3' })).toBeVisible();
  await look(page, 'templates', testInfo);
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByLabel('Action', { exact: true }).fill('lab.started');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('region', { name: 'Audit events table' }).locator('tbody tr')).toHaveCount(1);
  await look(page, 'audit', testInfo);
  await page.getByRole('link', { name: 'Instructors' }).click();
  await page.getByLabel('Email', { exact: true }).fill('assistant@northfield.example');
  await page.getByLabel('Role', { exact: true }).selectOption('ASSISTANT');
  await letStepUpLapse(page);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await stepUp(page, app);
  await expect(page.locator('code[aria-label="invitation link"]')).toContainText('/invite#');
  await look(page, 'instructors', testInfo);

  expect(consoleErrors).toEqual([]);
});
