import { OidcIssuer } from '@labkeys/oidc';
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
import { listOwnPrefix, type Creds } from '../revocation/support';

const LIFETIME_SECONDS = 5;
const PUBLISH_LEAD_SECONDS = 2;
const MARGIN_SECONDS = 1;

const header = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string };
const payload = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { exp: number };

/**
 * Issue 14, acceptance 3: `npm run admin -- oidc rotate` during a running lab. The new key is in the JWKS before
 * it signs; sessions issued before and after the rotation all work; the old key leaves the JWKS only once every
 * token it signed has expired. Short token lifetime and publish lead so the whole rotation takes seconds.
 */
describe('OIDC key rotation during a running lab', () => {
  let pipe: WebIdentityPipeline;
  let room: Classroom;
  let env: { restore(): void };
  const creds = new Map<string, Creds & { handle: string }>();

  const jwksKids = async () =>
    ((await pipe.api.http.get('/oidc/jwks').expect(200)).body.keys as { kid: string }[]).map((k) => k.kid);
  const workerToken = () => pipe.worker.app.get(OidcIssuer).token({ subject: `labkeys:${room.tenantId}:probe` });
  const fetchCreds = async (student: { id: string; token: string; handle: string }) => {
    const body = await eventually(
      async () => {
        const res = await pipe.api.http.get('/v1/me/sessions/current').set(bearer(student.token));
        if (res.status !== 200) throw new Error(`still ${res.status}`);
        return res.body;
      },
      30_000,
      100,
    );
    creds.set(student.id, { ...body, handle: student.handle });
  };

  beforeAll(async () => {
    env = withoutAwsCredentials();
    pipe = await startWebIdentityPipeline({
      OIDC_TOKEN_LIFETIME_SECONDS: String(LIFETIME_SECONDS),
      OIDC_KEY_PUBLISH_LEAD_SECONDS: String(PUBLISH_LEAD_SECONDS),
      REVOCATION_CLOCK_MARGIN_SECONDS: String(MARGIN_SECONDS),
    });
    room = await createWebIdentityClassroom(pipe, { students: 3 });
    await pipe.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    for (const s of room.students) await fetchCreds(s);
  }, 120_000);
  afterAll(async () => {
    await pipe?.close();
    env.restore();
  });

  it('publishes the new key before it signs, keeps the old one until its last token expired, and every session works', async () => {
    const [oldKid] = await jwksKids();
    expect(await jwksKids()).toEqual([oldKid]);
    expect(header(await workerToken()).kid).toBe(oldKid);

    // The operator's command, with the deployment's configuration (the same publish lead as the api and worker).
    const rotation = await rotateWithAdminCli(PUBLISH_LEAD_SECONDS);
    expect(rotation.retiring).toEqual([oldKid]);
    const activatesAt = Date.parse(rotation.activatesAt);
    const retiredRow = await pipe.prisma.oidcSigningKey.findUniqueOrThrow({ where: { kid: oldKid } });
    expect(retiredRow.retiredAt?.getTime()).toBe(activatesAt);

    // Published at once, before it signs a single token.
    expect((await jwksKids()).sort()).toEqual([oldKid, rotation.kid].sort());
    let lastOldExp = 0;
    const observe = async () => {
      const token = await workerToken();
      const { kid } = header(token);
      if (kid === oldKid) lastOldExp = Math.max(lastOldExp, payload(token).exp);
      return kid;
    };
    const firstKid = await observe();
    if (Date.now() < activatesAt - 500) expect(firstKid).toBe(oldKid);
    // Tokens switch to the new key once it activates (polled; the worker re-reads keys every second here).
    await eventually(
      async () => {
        if ((await observe()) !== rotation.kid) throw new Error('still the old key');
      },
      15_000,
      50,
    );
    // Not a token before its activation (a few ms of clock difference between Postgres and this process allowed).
    expect(Date.now()).toBeGreaterThanOrEqual(activatesAt - 100);

    // Students joining the running lab now are issued with the new key; everyone's credentials work.
    const imported = await pipe.api.http
      .post(`/v1/courses/${room.courseId}/students`)
      .set(bearer(room.ownerToken))
      .send({ students: [{ email: 'after-rotation-1@example.edu' }, { email: 'after-rotation-2@example.edu' }] })
      .expect(200);
    const joined = imported.body.accessLinks as { studentId: string; accessToken: string }[];
    expect(joined).toHaveLength(2);
    for (const link of joined) {
      const student = await pipe.prisma.student.findFirstOrThrow({
        where: { tenantId: room.tenantId, id: link.studentId },
      });
      await fetchCreds({ id: student.id, token: link.accessToken, handle: student.handle });
    }
    expect(await pipe.prisma.labSession.count({ where: { labId: room.labId, state: 'ACTIVE' } })).toBe(5);
    for (const c of creds.values()) expect(await listOwnPrefix(pipe.aws, c, c.handle)).toBe('ok');

    // The old key stays published until every token it signed has expired, then leaves.
    let lastSeen = 0;
    const goneAt = await eventually(
      async () => {
        const kids = await jwksKids();
        expect(kids).toContain(rotation.kid);
        if (kids.includes(oldKid)) {
          lastSeen = Date.now();
          throw new Error('old key still published');
        }
        return Date.now();
      },
      30_000,
      100,
    );
    expect(lastSeen).toBeGreaterThan(activatesAt);
    expect(goneAt).toBeGreaterThanOrEqual(lastOldExp * 1000);
    expect(goneAt).toBeGreaterThanOrEqual(activatesAt + LIFETIME_SECONDS * 1000);
    // Sessions issued before the rotation still work after the old key left.
    for (const c of creds.values()) expect(await listOwnPrefix(pipe.aws, c, c.handle)).toBe('ok');
  }, 90_000);

  it('a sealed private key opens only on its own row (bound to its kid)', async () => {
    const rows = await pipe.prisma.oidcSigningKey.findMany({ orderBy: { createdAt: 'asc' } });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const [a, b] = rows;
    const store = pipe.api.app.get(OidcIssuer).store;
    const open = async (kid: string) => (await store.load(24 * 3600_000)).keys.find((k) => k.kid === kid)!.privateKey();
    await expect(open(b.kid)).resolves.toBeDefined();
    try {
      await pipe.prisma.oidcSigningKey.update({
        where: { kid: b.kid },
        data: { sealedPrivateKey: a.sealedPrivateKey, sealKeyId: a.sealKeyId },
      });
      await expect(open(b.kid)).rejects.toMatchObject({ name: 'SealedSecretError' });
    } finally {
      await pipe.prisma.oidcSigningKey.update({
        where: { kid: b.kid },
        data: { sealedPrivateKey: b.sealedPrivateKey, sealKeyId: b.sealKeyId },
      });
    }
  });
});
