import { CreateOpenIDConnectProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { PrismaPg } from '@prisma/adapter-pg';
import { createTenant, issueApiToken } from '@labkeys/core';
import { PrismaClient, standaloneDatabase, tenantScopeOf } from '@labkeys/database';
import { createRolesFromSetup } from './demo-aws';

const TENANT_NAME = 'LabKeys Demo School';
const OWNER_EMAIL = 'teacher@demo.labkeys.example';
const STUDENTS = 30;
/** The demo teacher's dashboard password (a demo only: MFA stays off, see README). */
export const DEMO_TEACHER_PASSWORD = 'labkeys-demo-teacher';

export type DemoMode = 'assumeRole' | 'webIdentity';

export interface DemoClass {
  mode: DemoMode;
  apiUrl: string;
  ownerToken: string;
  /** The dashboard sign-in of the demo teacher (the tenant's owner). */
  teacher: { email: string; password: string };
  courseId: string;
  labId: string;
  student: { email: string; handle: string; token: string; link: string };
}

// The parts of the api's answers the seed reads.
interface Connection {
  id: string;
  name: string;
  endpointOverride: string | null;
}
type ConnectionSetup = Parameters<typeof createRolesFromSetup>[2] & {
  oidcProvider?: { url: string; clientIds: string[] } | null;
};
interface Verify {
  verified: boolean;
  failures?: unknown;
}
interface Enrollment {
  id: string;
  student: { email: string; handle: string };
}
interface AccessLink {
  accessToken: string;
  accessLink: string;
}

/**
 * Seeds a class the way an instructor would, through the real API: a tenant (admin CLI path), an AWS
 * connection to aws-local whose roles are created from LabKeys' own /setup answer, a scoped template,
 * a course of 30 students, and a started lab. Re-running reuses the tenant, connection, template and
 * course, and starts a new lab. In webIdentity mode (the default) aws-local's account trusts the demo's own
 * OIDC issuer (`<apiUrl>/oidc`) through an IAM OIDC provider, and the api and worker hold no AWS key.
 */
export async function seedDemoClass(
  databaseUrl: string,
  apiUrl: string,
  awsUrl: string,
  admin: { accessKeyId: string; secretAccessKey: string },
  mode: DemoMode = 'webIdentity',
  labOptions: { sessionDurationSeconds?: number; autoRenew?: boolean } = {},
): Promise<DemoClass> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  let ownerToken: string;
  try {
    const existing = await prisma.tenant.findFirst({
      where: { name: TENANT_NAME },
      include: { instructors: { where: { role: 'OWNER' }, take: 1 } },
    });
    if (existing && existing.instructors[0]) {
      // Tokens are stored hashed, so a re-run mints a fresh owner token rather than recovering the old one.
      ownerToken = (
        await issueApiToken(
          standaloneDatabase(prisma).apiTokens,
          tenantScopeOf(existing.id),
          existing.instructors[0].id,
          `demo ${new Date().toISOString()}`,
        )
      ).token;
    } else {
      ownerToken = (
        await createTenant(standaloneDatabase(prisma), {
          name: TENANT_NAME,
          ownerEmail: OWNER_EMAIL,
          ownerName: 'Demo Teacher',
        })
      ).ownerToken;
    }
  } finally {
    await prisma.$disconnect();
  }

  const call = async <T = unknown>(method: string, path: string, body?: unknown, token = ownerToken): Promise<T> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  await setTeacherPassword(apiUrl, call);

  const findOrCreate = async <T>(list: string, match: (item: T) => boolean, create: () => Promise<T>): Promise<T> =>
    (await call<{ items: T[] }>('GET', `${list}?limit=200`)).items.find(match) ?? (await create());

  // A connection's mode is fixed once created: one connection (and template) per mode.
  const suffix = mode === 'webIdentity' ? '-web' : '';
  const connection = await findOrCreate<Connection>(
    '/v1/connections',
    (c) => c.name === `demo-aws${suffix}`,
    () =>
      call('POST', '/v1/connections', {
        name: `demo-aws${suffix}`,
        mode,
        accountId: '123456789012',
        region: 'us-east-1',
        labRoleArn: 'arn:aws:iam::123456789012:role/LabKeysStudentLab',
        managementRoleArn: 'arn:aws:iam::123456789012:role/LabKeysManagement',
        endpointOverride: awsUrl,
      }),
  );
  if (connection.endpointOverride !== awsUrl)
    await call('PATCH', `/v1/connections/${connection.id}`, { endpointOverride: awsUrl });
  // aws-local keeps its world in memory: the provider and roles are created afresh from /setup on every run.
  const setup = await call<ConnectionSetup>('GET', `/v1/connections/${connection.id}/setup`);
  if (setup.oidcProvider) {
    const iam = new IAMClient({ endpoint: awsUrl, region: 'us-east-1', credentials: admin });
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: setup.oidcProvider.url,
        ClientIDList: setup.oidcProvider.clientIds,
      }),
    );
    iam.destroy();
  }
  await createRolesFromSetup(awsUrl, admin, setup);
  const verified = await call<Verify>('POST', `/v1/connections/${connection.id}/verify`);
  if (!verified.verified) throw new Error(`connection verify failed: ${JSON.stringify(verified.failures)}`);

  const template = await findOrCreate<{ id: string; name: string }>(
    '/v1/templates',
    (t) => t.name === `scoped-s3${suffix}`,
    () =>
      call('POST', '/v1/templates', {
        name: `scoped-s3${suffix}`,
        connectionId: connection.id,
        roleArn: 'arn:aws:iam::123456789012:role/LabKeysStudentLab',
        durationSeconds: 3600,
        sessionPolicyTemplate: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:ListBucket',
              Resource: 'arn:aws:s3:::class-bucket',
              Condition: { StringLike: { 's3:prefix': 'students/{{student.handle}}/*' } },
            },
            { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
          ],
        }),
        sessionTags: [{ key: 'course', value: '{{course.code}}' }],
        consoleDestination: 'https://console.aws.amazon.com/s3/home',
      }),
  );
  const course = await findOrCreate<{ id: string; code: string }>(
    '/v1/courses',
    (c) => c.code === 'CLOUD101',
    () => call('POST', '/v1/courses', { code: 'CLOUD101', title: 'Cloud Foundations' }),
  );
  const roster = Array.from({ length: STUDENTS }, (_, i) => ({
    email: `student${String(i + 1).padStart(2, '0')}@demo.labkeys.example`,
    displayName: `Student ${i + 1}`,
  }));
  await call('POST', `/v1/courses/${course.id}/students`, { students: roster });

  const lab = await call<{ id: string }>('POST', '/v1/labs', {
    name: `Demo lab ${new Date().toISOString().slice(0, 16)}`,
    courseId: course.id,
    templateId: template.id,
    sessionDurationSeconds: 3600,
    ...labOptions,
  });
  await call('POST', `/v1/labs/${lab.id}/start`);

  const enrollment = (
    await call<{ items: Enrollment[] }>('GET', `/v1/courses/${course.id}/enrollments?limit=200`)
  ).items.find((e) => e.student.email === roster[0].email);
  if (!enrollment) throw new Error('the first demo student is not enrolled');
  // A fresh link for one student (links are shown once; re-issuing invalidates the old one).
  const link = await call<AccessLink>('POST', `/v1/courses/${course.id}/enrollments/${enrollment.id}/access-link`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${apiUrl}/v1/me/sessions/current`, {
      headers: { authorization: `Bearer ${link.accessToken}` },
    });
    if (res.status === 200) break;
    if (Date.now() > deadline)
      throw new Error(`the demo student's credentials did not arrive (last status ${res.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    mode,
    apiUrl,
    ownerToken,
    teacher: { email: OWNER_EMAIL, password: DEMO_TEACHER_PASSWORD },
    courseId: course.id,
    labId: lab.id,
    student: {
      email: roster[0].email,
      handle: enrollment.student.handle,
      token: link.accessToken,
      link: link.accessLink,
    },
  };
}

/**
 * The demo teacher signs in to the dashboard with a password: the owner is invited (with the owner token,
 * as a script would) and the invitation accepted through the dashboard's own route. A re-run finds the
 * password set already (409) and leaves it.
 */
async function setTeacherPassword(
  apiUrl: string,
  call: <T>(method: string, path: string, body?: unknown) => Promise<T>,
): Promise<void> {
  let invitation: { invitationUrl: string };
  try {
    invitation = await call<{ invitationUrl: string }>('POST', '/v1/invitations', {
      email: OWNER_EMAIL,
      role: 'OWNER',
    });
  } catch (error) {
    if (error instanceof Error && / answered 409:/.test(error.message)) return;
    throw error;
  }
  const token = new URL(invitation.invitationUrl).hash.slice(1);
  const res = await fetch(`${apiUrl}/v1/auth/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(apiUrl).origin },
    body: JSON.stringify({ token, password: DEMO_TEACHER_PASSWORD, name: 'Demo Teacher' }),
  });
  if (!res.ok) throw new Error(`accepting the demo teacher's invitation answered ${res.status}: ${await res.text()}`);
}
