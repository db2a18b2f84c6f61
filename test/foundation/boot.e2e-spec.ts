import { runNode } from '../support/processes';

describe('process boot', () => {
  it('stops the api at boot when a port is not a number, naming the variable', async () => {
    const result = await runNode('dist/apps/api/src/main.js', { API_PORT: 'eighty' });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/API_PORT: .*"eighty"/);
    expect(result.stdout).not.toMatch(/Nest application successfully started/);
  });

  it('stops the worker at boot on an invalid value, naming the variable and never the database password', async () => {
    const result = await runNode('dist/apps/worker/src/main.js', {
      SWEEP_INTERVAL_SECONDS: 'often',
      DATABASE_URL: 'mysql://root:hunter2@db/labkeys',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('SWEEP_INTERVAL_SECONDS');
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).not.toContain('hunter2');
  });
});
