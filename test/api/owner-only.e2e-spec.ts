import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { IdentityProviderSecrets } from '@labkeys/core';
import { uuidv7, type PrismaClient } from '@labkeys/database';
import { OPENAPI_JSON_PATH } from '../../apps/api/src/bootstrap';
import { AUTH_MODE } from '../../apps/api/src/auth/auth.decorators';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

interface Route {
  method: string;
  /** OpenAPI form: /v1/instructors/{instructorId} */
  path: string;
}

/** A valid request per owner-only route, so the owner's call succeeds; a new owner-only route needs one here. */
const SAMPLES: Record<string, () => { body?: unknown; expect: number }> = {
  'POST /v1/instructors': () => ({
    body: { email: `new-${Math.random().toString(36).slice(2)}@example.edu` },
    expect: 201,
  }),
  'PATCH /v1/instructors/{instructorId}': () => ({
    body: { name: `Renamed ${Math.random().toString(36).slice(2, 6)}` },
    expect: 200,
  }),
  'GET /v1/invitations': () => ({ expect: 200 }),
  'POST /v1/invitations': () => ({
    body: { email: `invited-${Math.random().toString(36).slice(2)}@example.edu`, role: 'INSTRUCTOR' },
    expect: 201,
  }),
  'DELETE /v1/invitations/{invitationId}': () => ({ expect: 204 }),
  'PATCH /v1/tenant': () => ({ body: { mfaRequired: false }, expect: 200 }),
  'GET /v1/identity-providers': () => ({ expect: 200 }),
  'GET /v1/identity-providers/{providerId}': () => ({ expect: 200 }),
  // Past the owner check to discovery, which no provider answers here (test/sso runs a real one).
  'POST /v1/identity-providers': () => ({
    body: { displayName: 'Nowhere', issuer: 'http://127.0.0.1:9', clientId: 'labkeys', clientSecret: 'secret' },
    expect: 400,
  }),
  'PATCH /v1/identity-providers/{providerId}': () => ({ body: { enabled: true }, expect: 200 }),
  'DELETE /v1/identity-providers/{providerId}': () => ({ expect: 204 }),
  'POST /v1/identity-providers/{providerId}/test-sign-in': () => ({ expect: 424 }),
};

/** Every route whose handler (or controller) is decorated @OwnerOnly(), read from the running app's controllers. */
function ownerOnlyRoutes(modules: ModulesContainer): Route[] {
  const routes: Route[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const classMode = Reflect.getMetadata(AUTH_MODE, controller);
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (
          name === 'constructor' ||
          typeof handler !== 'function' ||
          Reflect.getMetadata(PATH_METADATA, handler) === undefined
        )
          continue;
        if ((Reflect.getMetadata(AUTH_MODE, handler) ?? classMode) !== 'owner') continue;
        const path = `/${[base, String(Reflect.getMetadata(PATH_METADATA, handler))]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        routes.push({
          method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod],
          path: path.replace(/:(\w+)/g, '{$1}'),
        });
      }
    }
  }
  return routes;
}

describe('owner-only routes (found from the @OwnerOnly() decorator)', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let tenant: { tenantId: string; ownerToken: string; ownerId: string };
  let instructorToken: string;
  let instructorId: string;
  let invitationId: string;
  let providerIds: { kept: string; deleted: string };
  let routes: Route[];

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '100000' });
    tenant = await createTenantWithOwner(prisma);
    const created = await api.http
      .post('/v1/instructors')
      .set(bearer(tenant.ownerToken))
      .send({ email: `plain-${Date.now()}@example.edu`, role: 'INSTRUCTOR' })
      .expect(201);
    instructorId = created.body.id;
    instructorToken = (
      await api.http
        .post(`/v1/instructors/${instructorId}/tokens`)
        .set(bearer(tenant.ownerToken))
        .send({ name: 'plain' })
        .expect(201)
    ).body.token;
    invitationId = (
      await api.http
        .post('/v1/invitations')
        .set(bearer(tenant.ownerToken))
        .send({ email: `pending-${Date.now()}@example.edu`, role: 'INSTRUCTOR' })
        .expect(201)
    ).body.id;
    const secrets = api.app.get(IdentityProviderSecrets);
    const provider = async (displayName: string) => {
      const id = uuidv7();
      const { sealed, keyId } = secrets.seal(tenant.tenantId, id, 'client-secret');
      await prisma.identityProvider.create({
        data: {
          id,
          tenantId: tenant.tenantId,
          displayName,
          issuer: 'http://127.0.0.1:9',
          clientId: 'labkeys',
          clientSecretSealed: new Uint8Array(sealed),
          clientSecretKeyId: keyId,
          allowedDomains: [],
        },
      });
      return id;
    };
    providerIds = { kept: await provider('Kept'), deleted: await provider('Deleted') };
    routes = ownerOnlyRoutes(api.app.get(ModulesContainer));
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const call = (route: Route, token: string, body?: unknown) => {
    const url = route.path
      .replace('{instructorId}', instructorId)
      .replace('{invitationId}', invitationId)
      .replace('{providerId}', route.method === 'DELETE' ? providerIds.deleted : providerIds.kept);
    const req = api.http[route.method.toLowerCase() as 'post' | 'patch' | 'put' | 'delete' | 'get'](url).set(
      bearer(token),
    );
    return body === undefined ? req : req.send(body as object);
  };

  it('finds the owner-only routes in the code, each one in the OpenAPI document and with a sample request', async () => {
    const found = routes.map((r) => `${r.method} ${r.path}`).sort();
    expect(found).toEqual(expect.arrayContaining(['PATCH /v1/instructors/{instructorId}', 'POST /v1/instructors']));
    const doc = (await api.http.get(OPENAPI_JSON_PATH).expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const route of routes)
      expect({ route, documented: Boolean(doc.paths[route.path]?.[route.method.toLowerCase()]) }).toEqual({
        route,
        documented: true,
      });
    expect(found.filter((key) => !SAMPLES[key])).toEqual([]);
  });

  it('refuses a plain INSTRUCTOR on every owner-only route with 403 problem+json, changing nothing, and lets the OWNER through', async () => {
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const sample = SAMPLES[key]();
      const before = await prisma.instructor.findMany({ where: { tenantId: tenant.tenantId }, orderBy: { id: 'asc' } });

      const refused = await call(route, instructorToken, sample.body);
      expect({ key, status: refused.status }).toEqual({ key, status: 403 });
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 403, detail: 'Only tenant owners may do this.' });
      expect(
        await prisma.instructor.findMany({ where: { tenantId: tenant.tenantId }, orderBy: { id: 'asc' } }),
      ).toEqual(before);

      const allowed = await call(route, tenant.ownerToken, sample.body);
      expect({ key, status: allowed.status }).toEqual({ key, status: sample.expect });
    }
  });
});
