import { createServer, type Server } from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Prisma, PrismaClient } from '@labkeys/database';
import { storeOutage } from './store-outage';

/** The errors the real drivers throw at a port where nothing listens, or at a server that hangs up. */
describe('storeOutage', () => {
  let closedPort: number;
  let hangUp: Server;
  let hangUpPort: number;

  beforeAll(async () => {
    const probe = createServer();
    closedPort = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    // Accepts, then closes every connection at once: a server going away under its clients.
    hangUp = createServer((socket) => socket.destroy());
    hangUpPort = await new Promise<number>((resolve) =>
      hangUp.listen(0, '127.0.0.1', () => resolve((hangUp.address() as { port: number }).port)),
    );
  });
  afterAll(() => new Promise((resolve) => hangUp.close(resolve)));

  const failure = async (work: () => Promise<unknown>): Promise<unknown> => {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error('expected the call to fail');
  };

  it('names the database for Prisma over adapter-pg when the server is unreachable or hangs up', async () => {
    for (const port of [closedPort, hangUpPort]) {
      const prisma = new PrismaClient({
        adapter: new PrismaPg({
          connectionString: `postgresql://u:p@127.0.0.1:${port}/db`,
          connectionTimeoutMillis: 1000,
        }),
      });
      const error = await failure(() => prisma.$queryRawUnsafe('SELECT 1'));
      await prisma.$disconnect().catch(() => undefined);
      expect({ port, store: storeOutage(error) }).toEqual({ port, store: 'database' });
    }
  });

  it('names the database for node-postgres errors (refused, terminated)', async () => {
    for (const port of [closedPort, hangUpPort]) {
      const client = new Client({
        connectionString: `postgresql://u:p@127.0.0.1:${port}/db`,
        connectionTimeoutMillis: 1000,
      });
      client.on('error', () => undefined);
      const error = await failure(() => client.connect());
      expect({ port, store: storeOutage(error) }).toEqual({ port, store: 'database' });
    }
    const terminating = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
      severity: 'FATAL',
    });
    expect(storeOutage(terminating)).toBe('database');
    expect(
      storeOutage(
        new Prisma.PrismaClientKnownRequestError('Timed out fetching a new connection from the connection pool.', {
          code: 'P2024',
          clientVersion: '7',
        }),
      ),
    ).toBe('database');
  });

  it('names Redis for ioredis errors: offline queue disabled, retries exhausted, connection closed', async () => {
    const noQueue = new Redis({
      port: closedPort,
      host: '127.0.0.1',
      enableOfflineQueue: false,
      lazyConnect: true,
      retryStrategy: () => 50,
    });
    const retries = new Redis({
      port: closedPort,
      host: '127.0.0.1',
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
    });
    const closed = new Redis({ port: closedPort, host: '127.0.0.1', lazyConnect: true });
    for (const client of [noQueue, retries, closed]) client.on('error', () => undefined);
    closed.disconnect();
    try {
      const errors = [
        await failure(() => noQueue.get('k')),
        await failure(() => retries.get('k')),
        await failure(() => closed.get('k')),
      ];
      expect(errors.map((e) => (e as Error).message)).toEqual([
        expect.stringContaining('enableOfflineQueue'),
        expect.stringContaining('max retries per request'),
        'Connection is closed.',
      ]);
      expect(errors.map(storeOutage)).toEqual(['redis', 'redis', 'redis']);
    } finally {
      for (const client of [noQueue, retries, closed]) client.disconnect();
    }
  });

  it('leaves every other error alone (a conflict, a bug, a validation failure)', () => {
    expect(
      storeOutage(
        new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code: 'P2002', clientVersion: '7' }),
      ),
    ).toBeUndefined();
    expect(storeOutage(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBeUndefined();
    expect(
      storeOutage(Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' })),
    ).toBeUndefined();
    expect(storeOutage(undefined)).toBeUndefined();
    expect(storeOutage('Connection is closed.')).toBeUndefined();
  });
});
