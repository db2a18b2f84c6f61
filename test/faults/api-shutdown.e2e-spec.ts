import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import type { AwsLocal } from '@labkeys/aws-local';
import type { PrismaClient } from '@labkeys/database';
import { startSchoolAws } from '../support/aws-world';
import { createClassroom } from '../support/classroom';
import { specQueuePrefix } from '../support/env';
import { testPrisma } from '../support/factories';
import { eventually, ROOT } from '../support/processes';
import { freePort } from '../support/redis-server';

const EXTERNAL_ID = 'school-external-id-api-shutdown';

/** An open SSE response: resolves `ended` when the server ends it. */
function openStream(url: string, token: string): Promise<{ ended: Promise<number>; text: () => string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      const ended = new Promise<number>((done) => res.on('close', () => done(Date.now())));
      resolve({ ended, text: () => text });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('SIGTERM to the api', () => {
  let aws: AwsLocal;
  let prisma: PrismaClient;
  let api: ChildProcess | undefined;

  beforeAll(async () => {
    prisma = testPrisma();
    aws = await startSchoolAws([EXTERNAL_ID]);
  });
  afterAll(async () => {
    if (api && api.exitCode === null && api.signalCode === null) api.kill('SIGKILL');
    aws?.setFaults({ latencyByAction: {} });
    await aws?.close();
    await prisma.$disconnect();
  });

  const startApi = async (shutdownTimeoutMs: number) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      API_PORT: String(port),
      API_HOST: '127.0.0.1',
      QUEUE_PREFIX: specQueuePrefix('apiterm'),
      SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
      LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, [`${ROOT}/dist/apps/api/src/main.js`], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api = child;
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    await eventually(
      async () => {
        const res = await fetch(`${base}/health`);
        if (res.status !== 200) throw new Error(`health ${res.status}`);
      },
      30000,
      200,
    );
    return { child, base, exited, output: () => output };
  };

  it('stops accepting, ends open streams, lets the request in flight finish, then closes the stores and exits 0', async () => {
    const room = await createClassroom(prisma, { students: 1, endpoint: aws.url, externalId: EXTERNAL_ID });
    const { child, base, exited, output: logs } = await startApi(15000);

    const stream = await openStream(`${base}/v1/labs/${room.labId}/events`, room.ownerToken);
    // A request that is slow on AWS' side: verify calls AssumeRole on the lab role.
    aws.setFaults({ latencyByAction: { 'sts:AssumeRole': 2500 } });
    aws.resetCounters();
    const inFlight = fetch(`${base}/v1/connections/${room.connectionId}/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.ownerToken}` },
    }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as { trust?: { ok: boolean } },
      at: Date.now(),
    }));
    await eventually(
      async () => {
        if (!aws.counters()['sts:AssumeRole']) throw new Error('verify has not reached AWS yet');
      },
      10000,
      20,
    );

    const signalled = Date.now();
    child.kill('SIGTERM');
    const streamEndedAt = await stream.ended;
    // No new connection is accepted once the signal has been handled.
    await eventually(
      async () => {
        const refused = await fetch(`${base}/health`).then(
          () => false,
          () => true,
        );
        if (!refused) throw new Error('still accepting connections');
      },
      5000,
      50,
    );
    const answered = await inFlight;
    const exit = await exited;
    process.stdout.write(
      `BENCH api-shutdown: stream ended ${streamEndedAt - signalled} ms, in-flight request answered ${answered.at - signalled} ms, exit ${exit.at - signalled} ms after SIGTERM\n`,
    );

    expect(streamEndedAt - signalled).toBeLessThan(2000);
    // Its last words tell the client when to come back, a different moment for each client.
    const hint = /retry: (\d+)\n\n$/.exec(stream.text());
    expect(Number(hint?.[1])).toBeGreaterThanOrEqual(1000);
    expect(Number(hint?.[1])).toBeLessThanOrEqual(5000);
    expect(answered).toMatchObject({ status: 200, body: { trust: { ok: true } } });
    expect(answered.at).toBeGreaterThan(streamEndedAt);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalled).toBeLessThan(15000);
    // Stores closed last, after the server had drained.
    const output = logs();
    const drained = output.indexOf('"msg":"http server closed"');
    expect(drained).toBeGreaterThan(-1);
    expect(output.slice(drained)).toContain('"msg":"database pool closed"');
    expect(output.slice(0, drained)).not.toContain('"msg":"database pool closed"');
    expect(output).not.toMatch(/"level":50/);
  });

  it('cuts a request still running at SHUTDOWN_TIMEOUT_MS and still exits 0 within the bound', async () => {
    const room = await createClassroom(prisma, { students: 1, endpoint: aws.url, externalId: EXTERNAL_ID });
    const { child, base, exited, output } = await startApi(3000);
    aws.setFaults({ latencyByAction: { 'sts:AssumeRole': 8000 } });
    aws.resetCounters();
    const inFlight = fetch(`${base}/v1/connections/${room.connectionId}/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.ownerToken}` },
    }).then(
      (res) => `answered ${res.status}`,
      () => 'cut',
    );
    await eventually(
      async () => {
        if (!aws.counters()['sts:AssumeRole']) throw new Error('verify has not reached AWS yet');
      },
      10000,
      20,
    );
    const signalled = Date.now();
    child.kill('SIGTERM');
    const exit = await exited;
    aws.setFaults({ latencyByAction: {} });
    process.stdout.write(
      `BENCH api-shutdown: with a request stuck on AWS, exit ${exit.at - signalled} ms after SIGTERM (SHUTDOWN_TIMEOUT_MS 3000)\n`,
    );
    expect(await inFlight).toBe('cut');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalled).toBeLessThan(3000);
    expect(output()).toContain('requests still open at the shutdown bound; closing their connections');
  });
});
