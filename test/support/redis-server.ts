import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../../scripts/support/local-services';
import { eventually, waitForExit } from './processes';

export function redisServerBinary(): string {
  const candidates = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error('redis-server not found; scripts/services.sh installs it');
  return found;
}

export { freePort };

/** Every key matching `pattern` (SCAN, so a large keyspace is never blocked). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/** A private Redis for tests that stop and restart it. */
export class PrivateRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'labkeys-redis-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      redisServerBinary(),
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await eventually(
      async () => {
        const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        client.on('error', () => undefined);
        try {
          await client.connect();
          await client.ping();
        } finally {
          client.disconnect();
        }
      },
      10000,
      50,
    );
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const exited = waitForExit(this.child);
    this.child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}
