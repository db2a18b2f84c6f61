/**
 * AssumeRole throughput, AWS SDK (@aws-sdk/client-sts) to aws-local, latency injection off.
 *   npm run bench:aws-local [-- --calls 5000 --concurrency 64 --workers 2 --in-process --url <aws-local>]
 * aws-local runs as a child process (or in-process / an existing one with --url). The SDK client
 * costs more CPU per call than aws-local does, so calls are spread over `--workers` client threads,
 * each with its own STSClient and keep-alive agent. The last line printed is one JSON object.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, startAwsLocal } from '@labkeys/aws-local';
import type { WorldStateFile } from '@labkeys/aws-local';

interface BenchOptions {
  calls: number;
  concurrency: number;
  workers: number;
  inProcess: boolean;
  url?: string;
}

interface WorkerJob {
  url: string;
  calls: number;
  concurrency: number;
  offset: number;
  warmup: number;
}

interface WorkerResult {
  latencies: number[];
  errors: number;
  firstError?: string;
}

const ROLE_ARN = 'arn:aws:iam::123456789012:role/bench-lab';
const EXTERNAL_ID = 'bench';

/** A lab role like the service's: trusts the admin user, requires an external id, allows tagging. */
const BENCH_WORLD: WorldStateFile = {
  accounts: [
    {
      id: '123456789012',
      users: [
        {
          name: 'admin',
          accessKeys: [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY }],
          inlinePolicies: {
            admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          },
        },
      ],
      roles: [
        {
          name: 'bench-lab',
          maxSessionDuration: 43200,
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: 'arn:aws:iam::123456789012:user/admin' },
                Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
                Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
              },
            ],
          },
          inlinePolicies: {
            s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
          },
        },
      ],
    },
  ],
};

function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = { calls: 5000, concurrency: 64, workers: 2, inProcess: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--calls') options.calls = Number(argv[++i]);
    else if (flag === '--concurrency') options.concurrency = Number(argv[++i]);
    else if (flag === '--workers') options.workers = Number(argv[++i]);
    else if (flag === '--in-process') options.inProcess = true;
    else if (flag === '--url') options.url = argv[++i];
    else throw new Error(`unknown option ${flag}`);
  }
  if (!(options.calls > 0 && options.concurrency > 0 && options.workers > 0)) {
    throw new Error('--calls, --concurrency and --workers must be positive');
  }
  return options;
}

async function startChild(): Promise<{ url: string; stop: () => void }> {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'aws-local-bench-')), 'world.json');
  writeFileSync(stateFile, JSON.stringify(BENCH_WORLD));
  const child = spawn(
    process.execPath,
    [join(__dirname, '../apps/aws-local/src/main.js'), '--port', '0', '--state', stateFile],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`aws-local exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /aws-local listening on (\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** One client thread: its own SDK client and agent, `concurrency` calls in flight. */
async function runWorker(job: WorkerJob): Promise<WorkerResult> {
  const client = new STSClient({
    endpoint: job.url,
    region: 'us-east-1',
    credentials: { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: job.concurrency }) }),
  });
  const call = (i: number) =>
    client.send(
      new AssumeRoleCommand({
        RoleArn: ROLE_ARN,
        RoleSessionName: `bench-${i}`,
        ExternalId: EXTERNAL_ID,
        DurationSeconds: 3600,
        Tags: [{ Key: 'labkeys:session', Value: `s-${i}` }],
        SourceIdentity: `student-${i % 100}`,
      }),
    );
  for (let i = 0; i < job.warmup; i++) await call(job.offset + i); // JIT and sockets
  parentPort?.postMessage({ ready: true });
  await new Promise<void>((resolve) => parentPort?.once('message', () => resolve()));
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < job.calls) {
      const i = job.offset + next++;
      const t0 = process.hrtime.bigint();
      try {
        await call(i);
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, lane));
  client.destroy();
  return { latencies, errors, firstError };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const server = options.url
    ? { url: options.url, stop: () => undefined }
    : options.inProcess
      ? await startAwsLocal({ state: BENCH_WORLD }).then((a) => ({ url: a.url, stop: () => void a.close() }))
      : await startChild();
  try {
    const perWorker = Math.ceil(options.calls / options.workers);
    const workers = Array.from({ length: options.workers }, (_, w) => {
      const job: WorkerJob = {
        url: server.url,
        calls: Math.min(perWorker, options.calls - w * perWorker),
        concurrency: Math.max(1, Math.round(options.concurrency / options.workers)),
        offset: w * 10_000_000,
        warmup: 300,
      };
      // A larger young generation keeps the SDK's short-lived garbage from dominating client CPU.
      return new Worker(__filename, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    });
    await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
    await fetch(`${server.url}/_aws-local/counters/reset`, { method: 'POST' });
    const serverCpu = async (): Promise<number> =>
      ((await (await fetch(`${server.url}/_aws-local/health`)).json()) as { cpuMicros: number }).cpuMicros;
    const cpuBefore = await serverCpu();
    const clientCpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const results = workers.map(
      (w) =>
        new Promise<WorkerResult>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
        }),
    );
    workers.forEach((w) => w.postMessage('go'));
    const outcomes = await Promise.all(results);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const clientCpuMsPerCall = (clientCpu.user + clientCpu.system) / 1000 / options.calls;
    const serverCpuMsPerCall = ((await serverCpu()) - cpuBefore) / 1000 / options.calls;
    const counted = (await (await fetch(`${server.url}/_aws-local/counters`)).json()) as Record<string, number>;
    const latencies = outcomes.flatMap((o) => o.latencies).sort((a, b) => a - b);
    const errors = outcomes.reduce((n, o) => n + o.errors, 0);
    const callsPerSecond = Math.round(options.calls / seconds);
    const where = options.url ? 'external' : options.inProcess ? 'in-process' : 'child process';
    console.log(
      `aws-local bench: ${options.calls} AssumeRole calls, concurrency ${options.concurrency}, ${options.workers} SDK client thread(s), aws-local ${where}`,
    );
    console.log(
      `  ${seconds.toFixed(2)} s, ${callsPerSecond} calls/s, errors ${errors}, counted by aws-local ${counted['sts:AssumeRole'] ?? 0}`,
    );
    if (!options.inProcess) {
      console.log(
        `  aws-local CPU ${serverCpuMsPerCall.toFixed(3)} ms per AssumeRole → ~${Math.round(1000 / serverCpuMsPerCall)} calls/s per core for aws-local itself`,
      );
      console.log(`  SDK client CPU ${clientCpuMsPerCall.toFixed(3)} ms per call (all client threads)`);
    }
    console.log(
      `  latency ms p50 ${percentile(latencies, 50).toFixed(1)}  p95 ${percentile(latencies, 95).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}`,
    );
    const firstError = outcomes.find((o) => o.firstError)?.firstError;
    if (firstError) console.log(`  first error: ${firstError}`);
    console.log(
      JSON.stringify({
        calls: options.calls,
        concurrency: options.concurrency,
        seconds: Number(seconds.toFixed(3)),
        callsPerSecond,
        ...(options.inProcess ? {} : { serverCpuMsPerCall: Number(serverCpuMsPerCall.toFixed(4)) }),
      }),
    );
    if (errors > 0) process.exitCode = 1;
  } finally {
    server.stop();
  }
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  runWorker(workerData as WorkerJob).then(
    (result) => parentPort?.postMessage(result),
    (e: unknown) => {
      throw e;
    },
  );
}
