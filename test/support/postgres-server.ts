import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createMigratedDatabase, freePort } from '../../scripts/support/local-services';

const run = promisify(execFile);
const USER = 'labkeys';
const PASSWORD = 'labkeys';

export interface PostgresServer {
  /** The migrated `labkeys` database of this server. */
  url: string;
  /**
   * Stops the server. `fast` (a restart): open connections are cut, but a statement that was only waiting for
   * a lock held by another session may still finish in between. `immediate` (a crash): every backend quits at
   * once, nothing in flight completes; the next start recovers from the log.
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data directory. */
  close(): Promise<void>;
}

/**
 * A private Postgres for tests that stop and restart the database; the run's shared server (55432) is never
 * touched, because other spec files and other checkouts use it meanwhile. Same binaries and the same
 * "run as postgres when root" rule as scripts/services.sh.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'labkeys-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const pgUid = asRoot ? await postgresUid() : undefined;
  if (pgUid !== undefined) chownSync(dir, pgUid, pgUid);
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`);
  if (pgUid !== undefined) chownSync(pwfile, pgUid, pgUid);
  await asPostgres(asRoot, join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    USER,
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  rmSync(pwfile);

  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c full_page_writes=off`;
  let running = false;
  const start = async () => {
    await asPostgres(asRoot, join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await asPostgres(asRoot, join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  const database = await createMigratedDatabase(
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    'labkeys',
  );
  return {
    url: database.url,
    start,
    stop,
    close: async () => {
      await stop('fast');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0)
    throw new Error('Postgres binaries not found under /usr/lib/postgresql; scripts/services.sh installs them');
  return join(root, versions[0], 'bin');
}

// Postgres refuses to run as root.
async function postgresUid(): Promise<number> {
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => {
    throw new Error('no postgres user: run scripts/services.sh start once as root to create it');
  });
  return Number(stdout.trim());
}

async function asPostgres(asRoot: boolean, command: string, args: string[]): Promise<void> {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  await run(file, argv, { timeout: 90_000 });
}
