import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually, ROOT, waitForExit } from './processes';
import { freePort } from './redis-server';

/** A built api or worker running as its own process, with everything it printed kept. */
export interface RunningProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> of the api, or of the worker's metrics and health listener. */
  url: string;
  output(): string;
  /** Its JSON log lines, parsed (other lines skipped). */
  logLines(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const spawned = new Set<ChildProcess>();

/** Kills every process these helpers started that still runs (for afterAll, also after a failed start). */
export async function killSpawned(): Promise<void> {
  await Promise.all(
    [...spawned].map(async (child) => {
      spawned.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = waitForExit(child);
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

function spawnBuilt(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

function running(child: ChildProcess, url: string, output: () => string): RunningProcess {
  return {
    child,
    url,
    output,
    logLines: () =>
      output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = waitForExit(child);
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The api on a free port; resolves once /health answers. */
export async function spawnApi(env: Record<string, string>): Promise<RunningProcess> {
  const port = await freePort();
  const { child, output } = spawnBuilt('dist/apps/api/src/main.js', {
    LOG_LEVEL: 'info',
    ...env,
    API_PORT: String(port),
  });
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`api exited ${child.exitCode}: ${output().slice(-2000)}`);
      if ((await fetch(`${url}/health`)).status >= 500) throw new Error('api not healthy yet');
    },
    60000,
    100,
  );
  return running(child, url, output);
}

/** The worker with its listener on a free port (read from its boot log); resolves once it started. */
export async function spawnWorker(env: Record<string, string>): Promise<RunningProcess> {
  const { child, output } = spawnBuilt('dist/apps/worker/src/main.js', {
    LOG_LEVEL: 'info',
    WORKER_HTTP_PORT: '0',
    ...env,
  });
  const url = await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode}: ${output().slice(-2000)}`);
      const match = /worker http listening on ([\d.]+):(\d+)/.exec(output());
      if (!match || !output().includes('worker started')) throw new Error('worker not started yet');
      return `http://${match[1]}:${match[2]}`;
    },
    60000,
    100,
  );
  return running(child, url, output);
}
