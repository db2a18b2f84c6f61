import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateOpenIDConnectProviderCommand, IAMClient } from '@aws-sdk/client-iam';
import { startAwsLocal, type AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { createRolesFromSetup } from '../../scripts/demo/demo-aws';
import { freePort } from '../../scripts/support/local-services';

export { freePort };
import { ADMIN_CREDENTIALS } from './aws-world';
import { bearer, startTestApi, type TestApi } from './api';
import { createClassroom, type Classroom, type ClassroomOptions } from './classroom';
import { specQueuePrefix } from './env';
import { ROOT } from './processes';
import { testPrisma } from './factories';
import { startTestWorker, type TestWorker } from './worker';

const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
];

/**
 * Removes every AWS credential source from this process' environment (the SDK reads process.env; the global
 * setup sets aws-local's admin keys process-wide) and points the shared files nowhere; `restore()` puts them back.
 */
export function withoutAwsCredentials(): { restore(): void } {
  const saved = Object.fromEntries(AWS_CREDENTIAL_VARIABLES.map((k) => [k, process.env[k]]));
  for (const k of AWS_CREDENTIAL_VARIABLES) delete process.env[k];
  process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
  process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent/aws-credentials';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  return {
    restore: () => {
      delete process.env.AWS_EC2_METADATA_DISABLED;
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

export interface WebIdentityPipeline {
  aws: AwsLocal;
  api: TestApi;
  worker: TestWorker;
  prisma: PrismaClient;
  baseUrl: string;
  /** LabKeys' issuer: `<baseUrl>/oidc`. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * aws-local (only an admin user: the school's administrator, who creates what /setup says), and the api and a
 * worker with no AWS credentials at all, PUBLIC_URL = the api's own URL so aws-local fetches its JWKS from it.
 */
export async function startWebIdentityPipeline(env: Record<string, string> = {}): Promise<WebIdentityPipeline> {
  const prisma = testPrisma();
  const aws = await startAwsLocal({ port: 0 });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const shared = {
    QUEUE_PREFIX: specQueuePrefix('wid'),
    PUBLIC_URL: baseUrl,
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  };
  const api = await startTestApi(shared, port);
  const worker = await startTestWorker(shared);
  return {
    aws,
    api,
    worker,
    prisma,
    baseUrl,
    issuer: `${baseUrl}/oidc`,
    close: async () => {
      await worker.close();
      await api.close();
      await aws.close();
      await prisma.$disconnect();
    },
  };
}

/**
 * What a school's AWS administrator does with a webIdentity connection's `/setup` answer, with their own
 * (admin) credentials: create the IAM OIDC provider for LabKeys' issuer (once per account) and both roles.
 */
export async function applyWebIdentitySetup(pipe: WebIdentityPipeline, ownerToken: string, connectionId: string) {
  const setup = (await pipe.api.http.get(`/v1/connections/${connectionId}/setup`).set(bearer(ownerToken)).expect(200))
    .body;
  await createFromSetup(pipe.aws.url, setup);
  return setup;
}

/**
 * A classroom whose connection is in webIdentity mode, with the OIDC provider and roles its `/setup` names created
 * in aws-local (the external id is not used in this mode).
 */
export async function createWebIdentityClassroom(
  pipe: WebIdentityPipeline,
  options: Omit<ClassroomOptions, 'endpoint' | 'externalId'>,
): Promise<Classroom> {
  const room = await createClassroom(pipe.prisma, { ...options, endpoint: pipe.aws.url, externalId: 'unused' });
  await pipe.prisma.awsConnection.update({ where: { id: room.connectionId }, data: { mode: 'WEB_IDENTITY' } });
  await applyWebIdentitySetup(pipe, room.ownerToken, room.connectionId);
  return room;
}

/**
 * The operator's `npm run admin -- oidc rotate`, as the built admin CLI, with this run's environment and the given
 * publish lead (the deployment's: the same as the api's and worker's).
 */
export async function rotateWithAdminCli(
  publishLeadSeconds: number,
): Promise<{ kid: string; activatesAt: string; retiring: string[] }> {
  const env = { ...process.env, OIDC_KEY_PUBLISH_LEAD_SECONDS: String(publishLeadSeconds) };
  const out = await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'dist/apps/admin/src/main.js'), 'oidc', 'rotate'],
    {
      cwd: ROOT,
      env,
    },
  );
  return JSON.parse(out.stdout.trim()) as { kid: string; activatesAt: string; retiring: string[] };
}

export async function createFromSetup(
  awsUrl: string,
  setup: { oidcProvider: { url: string; clientIds: string[] } } & Parameters<typeof createRolesFromSetup>[2],
): Promise<void> {
  const iam = new IAMClient({ endpoint: awsUrl, region: 'us-east-1', credentials: ADMIN_CREDENTIALS });
  try {
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: setup.oidcProvider.url,
        ClientIDList: setup.oidcProvider.clientIds,
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'EntityAlreadyExistsException') throw error;
  } finally {
    iam.destroy();
  }
  await createRolesFromSetup(awsUrl, ADMIN_CREDENTIALS, setup);
}
