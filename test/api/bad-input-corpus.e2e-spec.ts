import type { PrismaClient } from '@labkeys/database';
import { OPENAPI_JSON_PATH } from '../../apps/api/src/bootstrap';
import { bearer, startTestApi, type TestApi } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';

/** Generous: every answer here is a validation refusal that takes milliseconds; this only catches a stall. */
const SLOW_MS = 5000;
const NIL_ID = '00000000-0000-4000-8000-000000000000';
const DEEP = 10_000;
/** Query strings stay under Node's 16 KB header limit, past which Node itself answers 431 before any app code. */
const LONG_QUERY_CHARS = 8000;

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Operation {
  parameters?: { name: string; in: 'query' | 'path'; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Attempt {
  label: string;
  method: string;
  url: string;
  contentType?: string;
  body?: string;
}

/**
 * A bad-input corpus generated from the OpenAPI document: for every operation, a plausible body with one field
 * at a time made wrong (type, null, 100k characters, NUL, a lone surrogate, 10k items, 10,000 levels of
 * nesting), whole bodies malformed or of the wrong media type, and garbage in every query parameter and path
 * id. Nothing may answer 5xx, every 4xx must be problem+json, and none may be slow.
 */
describe('bad-input corpus from the OpenAPI document', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let room: Classroom;
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '1000000' });
    room = await createClassroom(prisma, {
      students: 1,
      endpoint: 'http://127.0.0.1:9',
      externalId: 'corpus-external-id',
    });
    doc = (await api.http.get(OPENAPI_JSON_PATH).expect(200)).body;
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop()!]) : schema;
  const idFor = (name: string): string =>
    ({
      labId: room.labId,
      courseId: room.courseId,
      connectionId: room.connectionId,
      templateId: room.templateId,
      studentId: room.students[0].id,
    })[name] ?? NIL_ID;

  /** A value the field's validators would likely accept, so a mutation of another field is what gets judged. */
  function sample(raw: Schema, name = ''): unknown {
    const schema = resolve(raw);
    if (schema.enum?.length) return schema.enum[0];
    if (schema.format === 'uuid') return idFor(name);
    if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
    switch (schema.type) {
      case 'string':
        return /email/i.test(name)
          ? 'corpus@example.edu'
          : /arn/i.test(name)
            ? 'arn:aws:iam::123456789012:role/labkeys-lab'
            : 'sample';
      case 'integer':
      case 'number':
        return schema.minimum ?? (/duration|seconds/i.test(name) ? 3600 : 1);
      case 'boolean':
        return false;
      case 'array':
        return schema.items ? [sample(schema.items, name)] : [];
      default:
        return Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([key, value]) => [key, sample(value, key)]),
        );
    }
  }

  function wrongType(raw: Schema): unknown {
    const type = resolve(raw).type;
    return type === 'string'
      ? 12345
      : type === 'array'
        ? 'not-a-list'
        : type === 'object' || type === undefined
          ? ['not', 'an', 'object']
          : 'not-a-number';
  }

  function bodyAttempts(method: string, url: string, schema: Schema): Attempt[] {
    const base = sample(schema) as Record<string, unknown>;
    const json = (label: string, value: Record<string, unknown> | string) => ({
      label,
      method,
      url,
      contentType: 'application/json',
      body: typeof value === 'string' ? value : JSON.stringify(value),
    });
    const attempts: Attempt[] = [
      json('malformed JSON', '{"name": "x",'),
      json('10,000 levels of nesting', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`),
      json('a JSON string instead of an object', '"text"'),
      json('null body', 'null'),
      { label: 'text/plain body', method, url, contentType: 'text/plain', body: JSON.stringify(base) },
      { label: 'xml body', method, url, contentType: 'application/xml', body: '<a/>' },
      json('unknown field', { ...base, unknownField: 1 }),
    ];
    for (const [field, fieldSchema] of Object.entries(resolve(schema).properties ?? {})) {
      const withField = (label: string, value: unknown) => json(`${field}: ${label}`, { ...base, [field]: value });
      const item =
        resolve(fieldSchema).type === 'array' ? sample(resolve(fieldSchema).items ?? { type: 'string' }, field) : 'x';
      attempts.push(
        withField('wrong type', wrongType(fieldSchema)),
        withField('null', null),
        withField('100k characters', 'x'.repeat(100_000)),
        withField('NUL byte', 'a\u0000b'),
        withField('lone surrogate', 'a\ud800b'),
        withField(
          '10k items',
          Array.from({ length: 10_000 }, () => item),
        ),
        withField('nested object', { $gt: '' }),
        json(
          `${field}: 10,000 levels of nesting`,
          JSON.stringify({ ...base, [field]: null }).replace(
            `"${field}":null`,
            `"${field}":${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
          ),
        ),
      );
    }
    return attempts;
  }

  function queryAttempts(url: string, op: Operation): Attempt[] {
    const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    const values = [
      '%00',
      'a%00b',
      '%ED%A0%80',
      '%F0%9F',
      'x'.repeat(LONG_QUERY_CHARS),
      'not-a-uuid',
      '-1',
      '1e309',
      '',
    ];
    const attempts = names.flatMap((name) =>
      values.map((value) => ({
        label: `?${name}=${value.slice(0, 12)}`,
        method: 'get',
        url: `${url}?${name}=${value}`,
      })),
    );
    attempts.push(
      { label: 'repeated limit', method: 'get', url: `${url}?limit=1&limit=2` },
      { label: 'nested query', method: 'get', url: `${url}?limit[a]=1&cursor[b]=2` },
      {
        label: 'garbage cursor',
        method: 'get',
        url: `${url}?cursor=${encodeURIComponent(Buffer.from('{"id":"\u0000","at":1e400}').toString('base64url'))}`,
      },
      { label: 'huge limit', method: 'get', url: `${url}?limit=1000000000` },
    );
    return attempts;
  }

  it('answers every mutation of every operation without a 5xx, with problem+json 4xx, promptly', async () => {
    const attempts: Attempt[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      // Streams stay open by design and the console route redirects to AWS; both are covered elsewhere.
      if (path.endsWith('/events') || path.endsWith('/console')) continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => idFor(name));
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content['application/json']?.schema;
        if (schema) attempts.push(...bodyAttempts(method, url, schema));
        if (method === 'get') attempts.push(...queryAttempts(url, op));
        if (path.includes('{')) {
          for (const garbage of ['not-a-uuid', '%00', '%ED%A0%80', 'x'.repeat(2000), '..%2F..%2Fetc']) {
            attempts.push({
              label: `id ${garbage.slice(0, 12)}`,
              method,
              url: path.replace(/\{\w+\}/g, garbage),
              contentType: 'application/json',
              body: '{}',
            });
          }
        }
      }
    }

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let slowest = 0;
    const send = async (attempt: Attempt) => {
      const token = attempt.url.startsWith('/v1/me') ? room.students[0].token : room.ownerToken;
      let req = api.http[attempt.method as 'post'](attempt.url).set(bearer(token));
      if (attempt.contentType) req = req.set('content-type', attempt.contentType);
      const started = performance.now();
      const res = await (attempt.body !== undefined ? req.send(attempt.body) : req);
      const ms = performance.now() - started;
      slowest = Math.max(slowest, ms);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = `${attempt.method.toUpperCase()} ${attempt.url.slice(0, 70)} [${attempt.label}]`;
      if (res.status >= 500) failures.push(`${where} → ${res.status} ${res.text.slice(0, 120)}`);
      else if (res.status >= 400 && !String(res.headers['content-type']).startsWith('application/problem+json'))
        failures.push(`${where} → ${res.status} not problem+json`);
      if (ms > SLOW_MS) failures.push(`${where} took ${Math.round(ms)} ms`);
    };
    // A few at a time: the corpus is about 2,000 requests and must stay within about a minute on a busy machine.
    for (let i = 0; i < attempts.length; i += 4) await Promise.all(attempts.slice(i, i + 4).map(send));

    expect(failures).toEqual([]);
    expect(attempts.length).toBeGreaterThan(1000);
    expect([...statuses.keys()].some((status) => status >= 500)).toBe(false);
    console.log(
      `bad-input corpus: ${attempts.length} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest ${Math.round(slowest)} ms`,
    );
  }, 120_000);
});
