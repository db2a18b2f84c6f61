import { producerRedisOptions, redisOptionsFromUrl, workerRedisOptions } from './redis-connection';

describe('redis connection options', () => {
  it('parses host, port, credentials and database from the URL', () => {
    expect(redisOptionsFromUrl('redis://user:p%40ss@cache.internal:6380/3')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: undefined,
      keepAlive: 10_000,
    });
    expect(redisOptionsFromUrl('rediss://cache:6379').tls).toEqual({});
  });

  it('lets workers wait out reconnects and makes producers fail fast', () => {
    expect(workerRedisOptions('redis://127.0.0.1:1').maxRetriesPerRequest).toBeNull();
    const producer = producerRedisOptions('redis://127.0.0.1:1');
    expect(producer.maxRetriesPerRequest).toBe(1);
    expect(producer.enableOfflineQueue).toBe(false);
  });
});
