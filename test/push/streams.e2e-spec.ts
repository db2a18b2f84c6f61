import { connect, type Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import Redis from 'ioredis';
import { PushPublisher, type PushEvent } from '@labkeys/push';
import type { PrismaClient } from '@labkeys/database';
import { PushHub } from '../../apps/api/src/push/push-hub';
import { createTenantWithOwner, startTestApi, type TestApi } from '../support/api';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually } from '../support/processes';
import { freePort, PrivateRedis } from '../support/redis-server';
import { createLabInTenant, openRawStream, type RawStream } from './support';

describe('SSE streams: per-token limit, slow clients, setup failures', () => {
  let prisma: PrismaClient;
  let redis: Redis;
  let api: TestApi;
  let prefix: string;
  let baseUrl: string;
  let tenant: Awaited<ReturnType<typeof createTenantWithOwner>>;
  let labId: string;
  const opened: RawStream[] = [];

  beforeAll(async () => {
    prisma = testPrisma();
    redis = new Redis(process.env.REDIS_URL!);
    prefix = specQueuePrefix('sse');
    api = await startTestApi({ QUEUE_PREFIX: prefix, SSE_MAX_BUFFERED_BYTES: '65536' });
    baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
    tenant = await createTenantWithOwner(prisma);
    ({ labId } = await createLabInTenant(prisma, tenant.tenantId));
  });
  afterEach(() => {
    for (const stream of opened.splice(0)) stream.close();
  });
  afterAll(async () => {
    await api.close();
    redis.disconnect();
    await prisma.$disconnect();
  });

  const hub = () => api.app.get(PushHub);
  const slotKey = () => `${prefix}:sse:i:${tenant.tenantId}:${tokenIdOf(tenant.ownerToken)}`;
  const tokenIds = new Map<string, string>();
  const tokenIdOf = (token: string) => tokenIds.get(token)!;
  const open = async (headers: Record<string, string> = {}) => {
    const stream = await openRawStream(`${baseUrl}/v1/labs/${labId}/events`, tenant.ownerToken, headers);
    opened.push(stream);
    return stream;
  };

  beforeAll(async () => {
    const row = await prisma.apiToken.findFirstOrThrow({ where: { tenantId: tenant.tenantId } });
    tokenIds.set(tenant.ownerToken, row.id);
  });

  it('six streams on one token: the sixth gets 429 problem+json; closing one frees its slot', async () => {
    const streams = [];
    for (let i = 0; i < 5; i++) streams.push(await open());
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await open();
    expect(sixth.status).toBe(429);
    await eventually(async () => expect(sixth.ended).toBe(true));
    expect(JSON.parse(sixth.text())).toMatchObject({ status: 429, detail: expect.stringContaining('5 streams') });
    // The slots live in Redis (shared by replicas) and expire by themselves.
    expect(await redis.zcard(slotKey())).toBe(5);
    expect(await redis.pttl(slotKey())).toBeGreaterThan(0);

    streams[0].close();
    await eventually(async () => expect(await redis.zcard(slotKey())).toBe(4));
    expect((await open()).status).toBe(200);
  });

  it('drops a client that stops reading; its unsent bytes stay bounded and its slot and listener are released', async () => {
    await eventually(async () => expect(await redis.zcard(slotKey())).toBe(0));
    let response: ServerResponse | undefined;
    let maxBuffered = 0;
    const onRequest = (req: { url?: string }, res: ServerResponse) => {
      if (!req.url?.endsWith('/events')) return;
      response = res;
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      res.write = ((...args: unknown[]) => {
        const result = write(...args);
        maxBuffered = Math.max(maxBuffered, res.writableLength);
        return result;
      }) as typeof res.write;
    };
    api.app.getHttpServer().on('request', onRequest);
    const { port } = new URL(baseUrl);
    const before = hub().openStreamCount;
    const socket: Socket = connect(Number(port), '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.pause(); // never reads a byte
      socket.write(
        `GET /v1/labs/${labId}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.ownerToken}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      await eventually(async () => expect(await redis.zcard(slotKey())).toBe(1));
      expect(hub().openStreamCount).toBe(before + 1);

      const publisher = new PushPublisher(redis, prefix);
      const detail = { note: 'x'.repeat(2000) };
      let pushedBytes = 0;
      for (let batch = 0; batch < 40 && !response?.destroyed; batch++) {
        const events: PushEvent[] = Array.from({ length: 250 }, (_, i) => ({
          type: 'session.state',
          tenantId: tenant.tenantId,
          labId,
          studentId: '00000000-0000-4000-8000-000000000000',
          sessionId: '00000000-0000-4000-8000-000000000001',
          state: 'ACTIVE',
          detail: { ...detail, n: batch * 250 + i },
          at: new Date().toISOString(),
        }));
        await publisher.publish(events);
        pushedBytes += events.length * 2100;
      }
      await eventually(async () => expect(response?.destroyed).toBe(true), 30000);
      // Bounded by the configured 64 KiB plus at most one event, whatever was pushed.
      expect(maxBuffered).toBeLessThan(65536 + 4096);
      expect(pushedBytes).toBeGreaterThan(10 * maxBuffered);
      await eventually(async () => expect(hub().openStreamCount).toBe(before));
      expect(await redis.zcard(slotKey())).toBe(0);
    } finally {
      api.app.getHttpServer().off('request', onRequest);
      socket.destroy();
    }
  });

  it('a client that leaves during setup leaks no stream, listener, timer or slot', async () => {
    const baseline = hub().openStreamCount;
    const { port } = new URL(baseUrl);
    const sockets: Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `GET /v1/labs/${labId}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tenant.ownerToken}\r\n\r\n`,
      );
      sockets.push(socket);
      // Leave at different points of the server's setup: before, during and after authentication and subscription.
      setTimeout(() => socket.destroy(), i * 3);
    }
    await eventually(async () => {
      expect(sockets.every((s) => s.destroyed)).toBe(true);
      expect(hub().openStreamCount).toBe(baseline);
      expect(await redis.zcard(slotKey())).toBe(0);
    }, 20000);
  });
});

describe('SSE streams: a failed Last-Event-ID replay ends the stream', () => {
  let prisma: PrismaClient;
  let privateRedis: PrivateRedis;
  let api: TestApi;

  beforeAll(async () => {
    prisma = testPrisma();
    privateRedis = new PrivateRedis(await freePort());
    await privateRedis.start();
    api = await startTestApi({ REDIS_URL: privateRedis.url, QUEUE_PREFIX: specQueuePrefix('ssr') });
  });
  afterAll(async () => {
    await api.close();
    await privateRedis.stop();
    await prisma.$disconnect();
  });

  it('answers an error event and ends the stream instead of buffering live events behind it', async () => {
    const tenant = await createTenantWithOwner(prisma);
    const { labId } = await createLabInTenant(prisma, tenant.tenantId);
    const baseUrl = `http://127.0.0.1:${(api.app.getHttpServer().address() as { port: number }).port}`;
    const first = await openRawStream(`${baseUrl}/v1/labs/${labId}/events`, tenant.ownerToken);
    expect(first.status).toBe(200);
    await eventually(async () => expect(first.text()).toContain('event: lab.readiness'));
    const hub = api.app.get(PushHub);
    expect(hub.openStreamCount).toBe(1);

    await privateRedis.stop();
    const resumed = await openRawStream(`${baseUrl}/v1/labs/${labId}/events`, tenant.ownerToken, {
      'last-event-id': '1-0',
    });
    try {
      expect(resumed.status).toBe(200);
      await eventually(async () => expect(resumed.ended).toBe(true), 20000);
      const error = /event: error\ndata: (.*)\n/.exec(resumed.text());
      expect(error).not.toBeNull();
      expect(JSON.parse(error![1])).toEqual({
        type: expect.any(String),
        title: 'Service Unavailable',
        status: 503,
        detail: expect.any(String),
      });
      expect(resumed.text()).not.toMatch(/redis|ECONNREFUSED|127\.0\.0\.1/i);
      expect(hub.openStreamCount).toBe(1);
    } finally {
      first.close();
      resumed.close();
      await privateRedis.start();
    }
  });
});
