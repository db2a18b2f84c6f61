import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { redisOptionsFromUrl } from '@labkeys/queues';
import { ROOT } from '../support/processes';

interface Service {
  ports?: unknown[];
  networks?: string[];
  command?: string[];
  environment?: Record<string, string>;
}

describe('docker-compose.yml keeps the stores private', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; networks: Record<string, { internal?: boolean } | null> };

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
      const url = compose.services[name].environment!.REDIS_URL.replace('${REDIS_PASSWORD:-labkeys-dev-redis}', 'labkeys-dev-redis');
      expect(redisOptionsFromUrl(url)).toMatchObject({ host: 'redis', password: 'labkeys-dev-redis' });
      expect(compose.services[name].networks).toContain('stores');
    }
  });
});
