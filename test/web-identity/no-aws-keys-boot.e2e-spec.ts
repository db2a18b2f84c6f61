import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startAwsLocal, type AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { createClassroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually, ROOT, waitForExit } from '../support/processes';
import { createFromSetup, freePort } from '../support/web-identity';
import { listOwnPrefix, type Creds } from '../revocation/support';

type Json = any;

/**
 * Issue 14, point 4: the built api and worker (dist/, as deployed) start and run a webIdentity lab with no AWS
 * credential of any kind in their environment: no keys, no profile, no shared files, no instance metadata.
 */
describe('a webIdentity deployment boots and issues without AWS credentials', () => {
  let aws: AwsLocal;
  let prisma: PrismaClient;
  const children: ChildProcess[] = [];
  const output = new Map<string, string>();

  const spawnBuilt = (name: string, entry: string, env: NodeJS.ProcessEnv) => {
    const child = spawn(process.execPath, [join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    output.set(name, '');
    const keep = (d: Buffer) => output.set(name, (output.get(name)! + d.toString()).slice(-20000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startAwsLocal({ port: 0 });
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await waitForExit(child);
      }
    }
    await aws?.close();
    await prisma.$disconnect();
  });

  it('starts, serves its issuer, issues a lab and the credentials work', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')),
    );
    Object.assign(env, {
      AWS_CONFIG_FILE: '/nonexistent/aws-config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      API_PORT: String(port),
      PUBLIC_URL: baseUrl,
      QUEUE_PREFIX: specQueuePrefix('boot'),
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'info',
    });
    expect(
      Object.keys(env).filter((k) => /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE)$/.test(k)),
    ).toEqual([]);
    spawnBuilt('api', 'dist/apps/api/src/main.js', env);
    spawnBuilt('worker', 'dist/apps/worker/src/main.js', env);
    await eventually(
      async () => {
        const res = await fetch(`${baseUrl}/health`);
        if (res.status !== 200) throw new Error(`health ${res.status}`);
      },
      30_000,
      200,
    );
    await eventually(
      async () => {
        if (!output.get('worker')!.includes('worker started')) throw new Error('worker not started');
      },
      30_000,
      100,
    );

    const room = await createClassroom(prisma, {
      students: 3,
      endpoint: aws.url,
      externalId: 'unused-in-web-identity',
    });
    await prisma.awsConnection.update({ where: { id: room.connectionId }, data: { mode: 'WEB_IDENTITY' } });
    const auth = { authorization: `Bearer ${room.ownerToken}` };
    const setup: Json = await (
      await fetch(`${baseUrl}/v1/connections/${room.connectionId}/setup`, { headers: auth })
    ).json();
    expect(setup.oidcProvider.url).toBe(`${baseUrl}/oidc`);
    await createFromSetup(aws.url, setup);
    const verify: Json = await (
      await fetch(`${baseUrl}/v1/connections/${room.connectionId}/verify`, { method: 'POST', headers: auth })
    ).json();
    expect(verify.failures).toEqual([]);
    expect(verify.verified).toBe(true);

    expect((await fetch(`${baseUrl}/v1/labs/${room.labId}/start`, { method: 'POST', headers: auth })).status).toBe(202);
    for (const s of room.students) {
      const creds = await eventually(
        async () => {
          const res = await fetch(`${baseUrl}/v1/me/sessions/current`, {
            headers: { authorization: `Bearer ${s.token}` },
          });
          if (res.status !== 200) throw new Error(`still ${res.status}`);
          return (await res.json()) as Creds;
        },
        30_000,
        100,
      );
      expect(await listOwnPrefix(aws, creds, s.handle)).toBe('ok');
    }
    const jwks: Json = await (await fetch(`${baseUrl}/oidc/jwks`)).json();
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    expect(aws.counters()['sts:AssumeRole'] ?? 0).toBe(0);
    expect(aws.counters()['sts:AssumeRoleWithWebIdentity']).toBeGreaterThanOrEqual(3);
    // Nothing tried to find credentials and failed quietly along the way.
    for (const name of ['api', 'worker'])
      expect(output.get(name)).not.toMatch(/CredentialsProviderError|Could not load credentials/);
  }, 90_000);
});
