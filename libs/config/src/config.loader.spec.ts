import { ConfigError, loadEnv } from './config.loader';
import { AppConfig } from './app-config';

describe('loadEnv', () => {
  it('needs no variables at all for local use', () => {
    const env = loadEnv({});
    const config = new AppConfig(env);
    expect(config.apiPort).toBe(3000);
    expect(config.databaseUrl).toMatch(/^postgresql:\/\//);
    expect(config.redisUrl).toBe('redis://127.0.0.1:56379');
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.migrateOnStart).toBe(true);
  });

  it('converts numbers and booleans', () => {
    const config = new AppConfig(loadEnv({ API_PORT: '8081', MIGRATE_ON_START: 'false', DATABASE_POOL_SIZE: '4' }));
    expect(config.apiPort).toBe(8081);
    expect(config.migrateOnStart).toBe(false);
    expect(config.databasePoolSize).toBe(4);
  });

  it('names the variable when a port is not a number', () => {
    expect(() => loadEnv({ API_PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadEnv({ API_PORT: 'eighty' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^API_PORT: .*"eighty"/)]);
    }
  });

  it('reports every bad variable, and never echoes a connection string', () => {
    try {
      loadEnv({ API_PORT: '-1', DATABASE_URL: 'mysql://root:hunter2@db/x', MIGRATE_ON_START: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      const problems = (error as ConfigError).problems;
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['API_PORT', 'DATABASE_URL', 'MIGRATE_ON_START']);
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('requires a master key in production', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(/LABKEYS_MASTER_KEY/);
  });
});
