import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadEnvOrExit } from '@labkeys/config';
import { runMigrations } from '@labkeys/database';

// Compiled to dist/scripts/demo.js: the project root is two levels up.
const ROOT = join(__dirname, '../..');
const children: ChildProcess[] = [];

function start(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, entry)], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  // Children log JSON lines; the demo shows warnings and errors only, to keep the terminal readable.
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string };
        if ((entry.level ?? 30) >= 40) process.stderr.write(`[${name}] ${line}\n`);
      } catch {
        process.stderr.write(`[${name}] ${line}\n`);
      }
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  child.on('exit', (code, signal) => {
    if (!shuttingDown) {
      process.stderr.write(`demo: ${name} exited (${signal ?? code}); stopping\n`);
      void shutdown(1);
    }
  });
  children.push(child);
  return child;
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the api did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

let shuttingDown = false;
async function shutdown(code: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  process.stderr.write('demo: stopping api and worker\n');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10000).unref();
        }),
    ),
  );
  process.exit(code);
}

async function main(): Promise<void> {
  const env = loadEnvOrExit('demo');
  const publicUrl = env.PUBLIC_URL ?? `http://127.0.0.1:${env.API_PORT}`;
  await runMigrations(env.DATABASE_URL, { log: (line) => process.stderr.write(`demo: ${line}\n`) });
  const childEnv = { ...process.env, MIGRATE_ON_START: 'false' };
  start('api', 'dist/apps/api/src/main.js', childEnv);
  start('worker', 'dist/apps/worker/src/main.js', childEnv);
  await waitForHealth(publicUrl, 60000);
  console.log(`LabKeys demo ready: ${publicUrl}`);
  console.log(`  health:  ${publicUrl}/health`);
  console.log(`  API docs: ${publicUrl}/docs`);
  console.log('Press Ctrl-C to stop.');
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
