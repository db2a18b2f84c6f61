import { randomBytes } from 'node:crypto';
import { OidcKeyRepository, UnitOfWork } from '@labkeys/database';
import { OidcKeyStore } from '@labkeys/oidc';
import { SecretSealer } from '@labkeys/secrets';
import { bearer } from '../support/api';
import type { Classroom } from '../support/classroom';
import { eventually } from '../support/processes';
import {
  createWebIdentityClassroom,
  rotateWithAdminCli,
  startWebIdentityPipeline,
  withoutAwsCredentials,
  type WebIdentityPipeline,
} from '../support/web-identity';

const PUBLISH_LEAD_SECONDS = 1;

/**
 * A signing key in Postgres sealed under a key ring entry this deployment does not hold (a changed master key,
 * another checkout's database): requests that must sign answer 503 problem+json saying what the operator does,
 * never 500, and `npm run admin -- oidc rotate` with the deployment's own key ring puts signing right again.
 */
describe('an OIDC signing key the key ring cannot open', () => {
  let pipe: WebIdentityPipeline;
  let room: Classroom;
  let env: { restore(): void };
  let planted: string | undefined;
  const verify = () => pipe.api.http.post(`/v1/connections/${room.connectionId}/verify`).set(bearer(room.ownerToken));

  beforeAll(async () => {
    env = withoutAwsCredentials();
    pipe = await startWebIdentityPipeline({ OIDC_KEY_PUBLISH_LEAD_SECONDS: String(PUBLISH_LEAD_SECONDS) });
    room = await createWebIdentityClassroom(pipe, { students: 1 });
  }, 120_000);
  afterAll(async () => {
    // Files after this one share the database: the key no process here can open leaves with the test.
    if (planted) await pipe.prisma.oidcSigningKey.delete({ where: { kid: planted } });
    await pipe?.close();
    env.restore();
  });

  it('answers 503 naming the remedy, and signs again once the operator rotated', async () => {
    const elsewhere = new SecretSealer({ currentKeyId: 'elsewhere', keys: new Map([['elsewhere', randomBytes(32)]]) });
    const foreign = new OidcKeyStore(pipe.api.app.get(UnitOfWork), pipe.api.app.get(OidcKeyRepository), elsewhere);
    planted = (await foreign.rotate(0)).kid;

    // The api re-reads its keys twice per publish lead; from then on it cannot sign.
    const refused = await eventually(
      async () => {
        const res = await verify();
        if (res.status !== 503) throw new Error(`verify still answers ${res.status}`);
        return res;
      },
      15_000,
      50,
    );
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'urn:labkeys:problem:key-ring-mismatch',
      status: 503,
      title: 'Service Unavailable',
    });
    expect(refused.body.detail).toContain('npm run admin -- oidc rotate');
    // The public half is still published, and nothing of the sealed part reaches the caller.
    const jwks = await pipe.api.http.get('/oidc/jwks').expect(200);
    expect((jwks.body.keys as { kid: string }[]).map((k) => k.kid)).toContain(planted);
    expect(JSON.stringify(refused.body)).not.toContain('elsewhere');

    // The operator's command, with this deployment's key ring: a new key that signs after the publish lead.
    const rotation = await rotateWithAdminCli(PUBLISH_LEAD_SECONDS);
    expect(rotation.retiring).toEqual([planted]);

    const verified = await eventually(
      async () => {
        const res = await verify();
        if (res.status !== 200) throw new Error(`verify still answers ${res.status}`);
        return res.body as { verified: boolean; failures: unknown[] };
      },
      15_000,
      50,
    );
    expect(verified.failures).toEqual([]);
    expect(verified.verified).toBe(true);
  });
});
