import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@labkeys/database';
import { MAX_CSV_BYTES } from '../../apps/api/src/enrollments/csv-upload';
import { rosterCsvCounters } from '../../apps/api/src/enrollments/roster-csv.parser';
import { bearer, createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { testPrisma } from '../support/factories';

/** Generous: parsing the whole 5 MB used to hold it as a string plus csv-parse's state; stopping early holds neither. */
const RSS_GROWTH_BOUND = 64 * 1024 * 1024;

describe('roster uploads are bounded (authentication first, parser stops early)', () => {
  let api: TestApi;
  let prisma: PrismaClient;
  let auth: ReturnType<typeof bearer>;
  let url: string;
  const newlines = Buffer.alloc(MAX_CSV_BYTES, '\n');

  beforeAll(async () => {
    prisma = testPrisma();
    api = await startTestApi({ API_RATE_LIMIT_PER_MINUTE: '100000' });
    const tenant = await createTenantWithOwner(prisma);
    auth = bearer(tenant.ownerToken);
    const course = (await api.http.post('/v1/courses').set(auth).send({ code: 'UP-1', title: 'Uploads' }).expect(201))
      .body;
    url = `/v1/courses/${course.id}/students/csv`;
  });
  afterAll(async () => {
    await api.close();
    await prisma.$disconnect();
  });

  /**
   * Declares a 5 MB body, sends only its first bytes and keeps the request open: an answer can only come from a
   * server that decided without waiting for (or reading) the rest.
   */
  async function answerToUnfinishedUpload(
    headers: Record<string, string>,
    firstBytes: Buffer,
  ): Promise<{ status: number; type: string; body: string }> {
    const { port } = api.app.getHttpServer().address() as AddressInfo;
    let req: ClientRequest | undefined;
    try {
      return await new Promise((resolve, reject) => {
        req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: url,
            headers: { 'content-type': 'text/csv', 'content-length': String(MAX_CSV_BYTES), ...headers },
          },
          (res) => {
            let body = '';
            res
              .setEncoding('utf8')
              .on('data', (chunk: string) => (body += chunk))
              .on('end', () =>
                resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
              );
          },
        );
        req.on('error', reject);
        req.write(firstBytes);
      });
    } finally {
      req?.destroy();
    }
  }

  it('answers an upload whose body never finishes: 401 without a token, 400 once the parser has seen too many lines', async () => {
    const unauthenticated = await answerToUnfinishedUpload({}, Buffer.alloc(1024, '\n'));
    expect(unauthenticated).toMatchObject({ status: 401, type: expect.stringContaining('application/problem+json') });
    const tooManyLines = await answerToUnfinishedUpload(auth, Buffer.alloc(256 * 1024, '\n'));
    expect(tooManyLines).toMatchObject({ status: 400, type: expect.stringContaining('application/problem+json') });
    expect(JSON.parse(tooManyLines.body).errors).toEqual([
      { field: 'file', message: expect.stringContaining('lines') },
    ]);
  });

  it('answers an unauthenticated 5 MB upload 401 without reading it (raw and multipart)', async () => {
    const before = rosterCsvCounters.bytesRead;
    const raw = await api.http.post(url).set('content-type', 'text/csv').send(newlines);
    expect(raw.status).toBe(401);
    expect(raw.headers['content-type']).toContain('application/problem+json');
    const multipart = await api.http
      .post(url)
      .set(bearer('lk_not-a-real-token'))
      .attach('file', newlines, { filename: 'r.csv', contentType: 'text/csv' });
    expect(multipart.status).toBe(401);
    expect(rosterCsvCounters.bytesRead).toBe(before);
  });

  it('refuses a 5 MB CSV of newlines with a 400 naming the file, after reading only its first lines', async () => {
    const before = { ...rosterCsvCounters };
    const rssBefore = process.memoryUsage().rss;
    const res = await api.http.post(url).set(auth).set('content-type', 'text/csv').send(newlines);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ field: 'file', message: expect.stringContaining('lines') }]);
    expect(rosterCsvCounters.bytesRead - before.bytesRead).toBeLessThan(MAX_CSV_BYTES / 4);
    expect(rosterCsvCounters.recordsRead - before.recordsRead).toBe(0);
    expect(rssGrowth).toBeLessThan(RSS_GROWTH_BOUND);
    // The same file as a multipart part stops as early.
    const part = await api.http
      .post(url)
      .set(auth)
      .attach('file', newlines, { filename: 'r.csv', contentType: 'text/csv' });
    expect(part.status).toBe(400);
    expect(rosterCsvCounters.bytesRead - before.bytesRead).toBeLessThan(MAX_CSV_BYTES / 2);
  });

  it('answers 413 for a body over the byte limit, before reading it when its length is declared', async () => {
    const before = rosterCsvCounters.bytesRead;
    const res = await api.http
      .post(url)
      .set(auth)
      .set('content-type', 'text/csv')
      .send(Buffer.alloc(MAX_CSV_BYTES + 1, 'a'));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(rosterCsvCounters.bytesRead).toBe(before);
  });

  it('still imports a normal roster sent either way', async () => {
    const csv = 'email,displayName\r\n\r\nada@example.edu,Ada\r\ngrace@example.edu,Grace\r\n';
    const raw = await api.http.post(url).set(auth).set('content-type', 'text/csv; charset=utf-8').send(csv).expect(200);
    expect(raw.body.students.created).toBe(2);
    const part = await api.http
      .post(url)
      .set(auth)
      .attach('file', Buffer.from(csv.replace(/ada/g, 'alan')), 'r.csv')
      .expect(200);
    expect(part.body.students).toEqual({ created: 1, existing: 1 });
  });
});
