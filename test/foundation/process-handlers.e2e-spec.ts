import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/processes';

function runScript(path: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path], { timeout: 15000 }, (error, stdout) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
    );
  });
}

/**
 * The handlers main.ts installs, in a real Node process: a rejected promise nobody handles is logged as
 * JSON and the process goes on; an uncaught exception is logged and the process exits 70 for its
 * supervisor to restart.
 */
describe('process-level handlers', () => {
  it('log an unhandled rejection and keep running; log an uncaught exception and exit non-zero', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'labkeys-handlers-')), 'probe.js');
    writeFileSync(
      script,
      `const { installProcessHandlers } = require(${JSON.stringify(join(ROOT, 'dist/libs/logging/src/process-handlers.js'))});
installProcessHandlers('probe', 'info');
Promise.reject(new Error('stream setup failed'));
setTimeout(() => {
  process.stdout.write('still serving\\n');
  setTimeout(() => { throw new Error('state is broken'); }, 10);
}, 100);
setTimeout(() => process.stdout.write('never reached\\n'), 5000);
`,
    );
    const run = await runScript(script);
    const lines = run.stdout.split('\n').filter(Boolean);
    const json = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(json[0]).toMatchObject({
      level: 50,
      process: 'probe',
      msg: 'unhandled promise rejection',
      err: { message: 'stream setup failed' },
    });
    expect(lines.indexOf('still serving')).toBeGreaterThan(
      lines.findIndex((l) => l.includes('unhandled promise rejection')),
    );
    expect(json[1]).toMatchObject({
      level: 60,
      process: 'probe',
      msg: 'uncaught exception; exiting so the supervisor restarts the process',
      err: { message: 'state is broken' },
    });
    expect(run.stdout).not.toContain('never reached');
    expect(run.code).toBe(70);
  });
});
