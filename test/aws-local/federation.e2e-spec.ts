import { AssumeRoleCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { AwsLocal } from '@labkeys/aws-local';
import type { AwsCredentials } from './support/aws-local-harness';
import { ACCOUNT, assumeLabRole, startTestAwsLocal, stsClient, toCredentials } from './support/aws-local-harness';

function signinTokenUrl(aws: AwsLocal, creds: AwsCredentials, sessionDuration?: number): string {
  const session = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  const duration = sessionDuration === undefined ? '' : `&SessionDuration=${sessionDuration}`;
  return `${aws.url}/federation?Action=getSigninToken${duration}&Session=${encodeURIComponent(session)}`;
}

async function signinToken(
  aws: AwsLocal,
  creds: AwsCredentials,
  sessionDuration?: number,
): Promise<{ status: number; token?: string }> {
  const res = await fetch(signinTokenUrl(aws, creds, sessionDuration));
  const body = (await res.json()) as { SigninToken?: string };
  return { status: res.status, token: body.SigninToken };
}

const loginUrl = (aws: AwsLocal, token: string): string =>
  `${aws.url}/federation?Action=login&Issuer=${encodeURIComponent('https://labkeys.example')}` +
  `&Destination=${encodeURIComponent('https://console.aws.amazon.com/s3/home')}&SigninToken=${encodeURIComponent(token)}`;

describe('console federation', () => {
  let aws: AwsLocal;
  beforeEach(async () => {
    aws = await startTestAwsLocal();
  });
  afterEach(() => aws.close());

  it('signs valid AssumeRole credentials in to a console page showing the role', async () => {
    const creds = await assumeLabRole(aws, { RoleSessionName: 'alice', DurationSeconds: 7200 });
    const { status, token } = await signinToken(aws, creds, 3600);
    expect(status).toBe(200);
    expect(token).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    const login = await fetch(loginUrl(aws, token as string), { redirect: 'manual' });
    expect(login.status).toBe(302);
    const location = login.headers.get('location') as string;
    expect(location).toMatch(new RegExp(`^${aws.url}/console\\?`));
    const page = await fetch(location);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`arn:aws:sts::${ACCOUNT}:assumed-role/lab-student/alice`);
    expect(html).toContain('https://console.aws.amazon.com/s3/home');
    expect(html).toMatch(/id="expires">\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</);
  });

  it('refuses SessionDuration for role-chained credentials but signs them in without it', async () => {
    const first = await stsClient(aws).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/plain`, RoleSessionName: 'first' }),
    );
    const chained = await stsClient(aws, toCredentials(first.Credentials)).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/chained`, RoleSessionName: 'second' }),
    );
    const creds = toCredentials(chained.Credentials);
    const refused = await fetch(signinTokenUrl(aws, creds, 3600));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('role chaining');
    expect((await signinToken(aws, creds)).status).toBe(200);
  });

  it('refuses expired, unknown and out-of-range requests', async () => {
    const creds = await assumeLabRole(aws, { DurationSeconds: 900 });
    expect((await signinToken(aws, creds, 899)).status).toBe(400);
    expect((await signinToken(aws, creds, 43201)).status).toBe(400);
    const sessionToken = await stsClient(aws).send(new GetSessionTokenCommand({}));
    expect((await signinToken(aws, toCredentials(sessionToken.Credentials), 3600)).status).toBe(400);
    expect((await signinToken(aws, { ...creds, secretAccessKey: 'wrong' })).status).toBe(400);
    expect((await signinToken(aws, { ...creds, accessKeyId: 'ASIAUNKNOWN000000000' })).status).toBe(400);
    aws.setFaults({ clockSkewMs: 901_000 });
    const expired = await fetch(signinTokenUrl(aws, creds));
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');
  });

  it('accepts a sign-in token once, and only for 15 minutes', async () => {
    const creds = await assumeLabRole(aws, { DurationSeconds: 7200 });
    const { token } = await signinToken(aws, creds);
    expect((await fetch(loginUrl(aws, token as string), { redirect: 'manual' })).status).toBe(302);
    const reused = await fetch(loginUrl(aws, token as string), { redirect: 'manual' });
    expect(reused.status).toBe(400);
    expect(await reused.text()).toContain('invalid, expired or already used');

    const { token: late } = await signinToken(aws, creds);
    aws.setFaults({ clockSkewMs: 15 * 60_000 + 1000 });
    expect((await fetch(loginUrl(aws, late as string), { redirect: 'manual' })).status).toBe(400);
  });
});
