import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { redisOptionsFromUrl } from '@labkeys/queues';
import { ROOT } from '../support/processes';

interface Service {
  user?: string;
  healthcheck?: { test: string[] };
  ports?: unknown[];
  networks?: string[];
  command?: string[];
  environment?: Record<string, string>;
}

describe('docker-compose.yml keeps the stores private', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    networks: Record<string, { internal?: boolean } | null>;
  };

  it('publishes no Postgres or Redis port and puts both on an internal network only', () => {
    for (const name of ['postgres', 'redis']) {
      const service = compose.services[name];
      expect(service.ports ?? []).toEqual([]);
      expect(service.networks).toEqual(['stores']);
    }
    expect(compose.networks.stores).toEqual({ internal: true });
  });

  it('runs Redis with a password that the api and the worker carry in REDIS_URL', () => {
    const redis = compose.services.redis;
    expect(redis.command?.join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    for (const name of ['api', 'worker']) {
      const url = compose.services[name].environment!.REDIS_URL.replace(
        '${REDIS_PASSWORD:-labkeys-dev-redis}',
        'labkeys-dev-redis',
      );
      expect(redisOptionsFromUrl(url)).toMatchObject({ host: 'redis', password: 'labkeys-dev-redis' });
      expect(compose.services[name].networks).toContain('stores');
    }
  });

  it('runs the api and the worker as a non-root user, each with a readiness health check', () => {
    for (const [name, port] of [
      ['api', 3000],
      ['worker', 9464],
    ] as const) {
      const service = compose.services[name];
      expect(service.user).toBe('node');
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
    }
    expect(compose.services.worker.environment!.WORKER_HTTP_PORT).toBe('9464');
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
  });
});
