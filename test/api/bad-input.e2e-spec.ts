import type { PrismaClient } from '@labkeys/database';
import { OPENAPI_JSON_PATH } from '../../apps/api/src/bootstrap';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';

/** Bodies no route accepts; each must get a 4xx problem, never a 5xx. */
const BAD_BODIES: unknown[] = [
  {},
  [],
  'text',
  42,
  null,
  { name: { $gt: '' } },
  { id: 'x'.repeat(10000) },
  { students: 'all' },
  { durationSeconds: '1e309' },
];
const BAD_QUERIES = [
  'limit=-1',
  'limit=abc',
  'cursor=%00',
  'sort=password',
  'courseId=not-a-uuid',
  'state=ALL',
  'since=yesterday',
  'format=exe',
];

// Each walk sends hundreds of requests, one after another, and grows with the API; a busy CI machine needs minutes.
const WALK_TIMEOUT_MS = 240_000;

describe('bad input never reaches a 5xx (every route of the OpenAPI document)', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let room: Classroom;
  let paths: Record<string, Record<string, { requestBody?: unknown }>>;

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '100000' });
    room = await createClassroom(prisma, {
      students: 1,
      endpoint: 'http://127.0.0.1:9',
      externalId: 'bad-input-external-id',
    });
    paths = (await api.http.get(OPENAPI_JSON_PATH).expect(200)).body.paths;
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const url = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) =>
      name === 'labId' ? room.labId : name === 'courseId' ? room.courseId : '00000000-0000-4000-8000-000000000000',
    );
  const tokenFor = (path: string) => (path.startsWith('/v1/me') ? room.students[0].token : room.ownerToken);

  it(
    'answers malformed bodies with a problem+json 4xx',
    async () => {
      const failures: string[] = [];
      for (const [path, ops] of Object.entries(paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (!op.requestBody || path.includes('/csv')) continue;
          // An empty object is a valid "change nothing" for a PATCH, and a valid body where the body is optional.
          const emptyIsValid = method === 'patch' || (op.requestBody as { required?: boolean }).required !== true;
          for (const body of BAD_BODIES.filter((b) => !(emptyIsValid && JSON.stringify(b) === '{}'))) {
            const res = await api.http[method as 'post'](url(path))
              .set(bearer(tokenFor(path)))
              .set('content-type', 'application/json')
              .send(JSON.stringify(body));
            if (res.status >= 500 || res.status < 400)
              failures.push(`${method.toUpperCase()} ${path} ${JSON.stringify(body).slice(0, 40)} → ${res.status}`);
            else if (!String(res.headers['content-type']).startsWith('application/problem+json'))
              failures.push(`${method.toUpperCase()} ${path} → not problem+json`);
          }
        }
      }
      expect(failures).toEqual([]);
    },
    WALK_TIMEOUT_MS,
  );

  it(
    'answers malformed query strings and ids without a 5xx',
    async () => {
      const failures: string[] = [];
      for (const [path, ops] of Object.entries(paths)) {
        if (!ops.get || path.endsWith('/events') || path.endsWith('/console')) continue;
        for (const query of BAD_QUERIES) {
          const res = await api.http.get(`${url(path)}?${query}`).set(bearer(tokenFor(path)));
          if (res.status >= 500) failures.push(`GET ${path}?${query} → ${res.status}`);
        }
        if (path.includes('{')) {
          const res = await api.http.get(path.replace(/\{\w+\}/g, 'not-a-uuid')).set(bearer(tokenFor(path)));
          if (res.status !== 400 && res.status !== 404) failures.push(`GET ${path} with a non-UUID id → ${res.status}`);
        }
      }
      expect(failures).toEqual([]);
    },
    WALK_TIMEOUT_MS,
  );
});
