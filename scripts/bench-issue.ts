/**
 * Class-start benchmark (issue 5): how close the issuance pipeline comes to calling STS directly.
 *   npm run bench:issue [-- --n 1000 --c 64 --pool <DATABASE_POOL_SIZE> --mode assumeRole|webIdentity]
 * (a) baseline: N AssumeRole calls from the SDK at concurrency C; (b) pipeline: N students hold their
 * event streams open, the owner starts the lab, and we time until all N sessions are ACTIVE and each
 * student's `session.issued` arrives. aws-local injects 40 ms on AssumeRole in both. The last line
 * printed is one JSON object. `--mode webIdentity`: the connection trusts LabKeys' OIDC issuer (the api's
 * /oidc, which aws-local fetches), the api and worker run with no AWS credentials, and both (a) and (b) call
 * AssumeRoleWithWebIdentity (the baseline with tokens signed beforehand by LabKeys' current key).
 */
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { webIdentitySubject } from '@labkeys/aws';
import { OidcKeyStore, signRs256 } from '@labkeys/oidc';
import { standaloneDatabase } from '@labkeys/database';
import { loadOrCreateLocalKeyRing, SecretSealer } from '@labkeys/secrets';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { buildAssumeRoleInput, roleSessionNameFor } from '@labkeys/templates';
import {
  appEnv,
  argValue,
  freePort,
  mapLimit,
  onCleanup,
  percentile,
  runBench,
  startApi,
  startAwsLocal,
  startServices,
  startWorker,
  withPg,
} from './bench/harness';
import { cpuSeconds, cpuSecondsOf, loadAverage, peakRssMb } from './bench/proc';
import {
  createClassroom,
  fixturePrisma,
  LAB_ROLE_ARN,
  SCOPED_POLICY,
  webIdentitySchoolWorld,
  type Classroom,
} from '@labkeys/testing';
import { TimedStream } from './bench/sse';

const LATENCY_MS = 40;
// High enough that the per-account pace never binds: the bench measures the pipeline, not the limit.
const STS_PACE = 100000;
const EXTERNAL_ID = 'bench-school-external-id';

runBench('bench:issue', 10 * 60 * 1000, async () => {
  const n = argValue('n', 1000);
  const c = argValue('c', 64);
  const poolIndex = process.argv.indexOf('--pool');
  const pool = poolIndex >= 0 ? String(argValue('pool', 10)) : undefined;
  const mode = modeArg();
  const action = mode === 'webIdentity' ? 'AssumeRoleWithWebIdentity' : 'AssumeRole';
  console.log(
    `bench:issue n=${n} c=${c} mode=${mode} latency=${LATENCY_MS}ms stsPace=${STS_PACE}/s load=${loadAverage()}`,
  );

  const services = await startServices('benchissue');
  const prisma = fixturePrisma(services.databaseUrl);
  onCleanup(() => prisma.$disconnect());
  // webIdentity: the api's URL is its issuer, so its port is chosen first; aws-local trusts that issuer for this tenant.
  const apiPort = await freePort();
  const issuer = `http://127.0.0.1:${apiPort}/oidc`;
  const room = await createClassroom(prisma, { students: n, endpoint: 'http://127.0.0.1:1', externalId: EXTERNAL_ID });
  const aws = await startAwsLocal(
    EXTERNAL_ID,
    LATENCY_MS,
    mode === 'webIdentity' ? webIdentitySchoolWorld(issuer, room.tenantId) : undefined,
  );
  await prisma.awsConnection.update({
    where: { id: room.connectionId },
    data: { endpointOverride: aws.url, mode: mode === 'webIdentity' ? 'WEB_IDENTITY' : 'ASSUME_ROLE' },
  });

  const env = appEnv(services, {
    WORKER_CONCURRENCY: String(c),
    STS_CALLS_PER_SECOND_PER_ACCOUNT: String(STS_PACE),
    PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
    ...(pool && { DATABASE_POOL_SIZE: pool }),
  });
  if (mode === 'webIdentity') {
    // No AWS key anywhere in LabKeys' environment (spawnNode layers env over the bench's own).
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete env[k];
      delete process.env[k];
    }
  }
  const api = await startApi(env, apiPort);
  const worker = await startWorker(env);

  const tokens = mode === 'webIdentity' ? await tokenSigner(prisma, issuer, room.tenantId) : null;
  const baselineSeconds = await baseline(aws.url, room, n, c, tokens);
  console.log(
    `baseline: ${n} ${action} calls at concurrency ${c} in ${baselineSeconds.toFixed(3)} s (${Math.round(n / baselineSeconds)}/s)`,
  );

  const counters = async () =>
    ((await (await fetch(`${aws.url}/_aws-local/counters`)).json()) as Record<string, number>)[`sts:${action}`] ?? 0;
  const callsBefore = await counters();
  // Where the two cores go during the pipeline: CPU seconds per process over the run.
  const cpu = () => ({
    worker: cpuSeconds(worker.pid),
    api: cpuSeconds(api.pid),
    awsLocal: cpuSeconds(aws.pid),
    bench: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
    postgres: cpuSecondsOf('postgres'),
    redis: cpuSecondsOf('redis-server'),
  });
  // Postgres statements outside a transaction each commit one, so commits per session approximate round trips.
  const commits = () =>
    withPg(services.adminUrl, async (pg) =>
      Number(
        (
          await pg.query<{ xact_commit: string }>(`SELECT xact_commit FROM pg_stat_database WHERE datname = $1`, [
            new URL(services.databaseUrl).pathname.slice(1),
          ])
        ).rows[0].xact_commit,
      ),
    );
  let cpuBefore = cpu();
  let commitsBefore = 0;
  const pipeline = await runPipeline(api.url, services.databaseUrl, room, n, async () => {
    commitsBefore = await commits();
    cpuBefore = cpu();
  });
  const cpuAfter = cpu();
  await new Promise((r) => setTimeout(r, 1500)); // backends report their counters to pg_stat_database about once a second
  const pgCommitsPerSession = round(((await commits()) - commitsBefore) / n);
  const cpuDuringPipeline = Object.fromEntries(
    Object.entries(cpuAfter).map(([k, v]) => [k, round(v - cpuBefore[k as keyof typeof cpuBefore])]),
  );
  const assumeRoleCalls = (await counters()) - callsBefore;
  const workerRssMb = peakRssMb(worker.pid);
  const apiRssMb = peakRssMb(api.pid);

  const efficiency = baselineSeconds / pipeline.seconds;
  console.log(
    `pipeline: ${n} ACTIVE in ${pipeline.seconds.toFixed(3)} s (${Math.round(n / pipeline.seconds)}/s); efficiency ${efficiency.toFixed(3)}`,
  );
  console.log(`time to credential: p50 ${pipeline.p50Ms} ms, p99 ${pipeline.p99Ms} ms, last ${pipeline.maxMs} ms`);
  console.log(
    `CPU seconds during the pipeline (until the last credential arrived): ${JSON.stringify(cpuDuringPipeline)}`,
  );
  console.log(`Postgres commits per session (worker + api + the bench's polling): ${pgCommitsPerSession}`);
  console.log(
    `peak RSS: worker ${workerRssMb} MB, api ${apiRssMb} MB; aws-local ${action} calls during pipeline: ${assumeRoleCalls}; load ${loadAverage()}`,
  );
  console.log(
    JSON.stringify({
      mode,
      n,
      c,
      latencyMs: LATENCY_MS,
      stsCallsPerSecondPerAccount: STS_PACE,
      databasePoolSize: pool ? Number(pool) : 'default',
      baselineSeconds: round(baselineSeconds),
      pipelineSeconds: round(pipeline.seconds),
      efficiency: round(efficiency),
      p50Ms: pipeline.p50Ms,
      p99Ms: pipeline.p99Ms,
      lastCredentialMs: pipeline.maxMs,
      workerRssMb,
      apiRssMb,
      assumeRoleCalls,
      cpuSecondsDuringPipeline: cpuDuringPipeline,
      pgCommitsPerSession,
      loadAverage: loadAverage(),
    }),
  );
});

const round = (x: number) => Math.round(x * 1000) / 1000;

function modeArg(): 'assumeRole' | 'webIdentity' {
  const i = process.argv.indexOf('--mode');
  const value = i >= 0 ? process.argv[i + 1] : 'assumeRole';
  if (value !== 'assumeRole' && value !== 'webIdentity')
    throw new Error(`--mode must be assumeRole or webIdentity, not ${value}`);
  return value;
}

type TokenSigner = (handle: string, tags: { Key?: string; Value?: string }[]) => string;

/** Tokens as the worker signs them, with LabKeys' current key (created by the store when there is none yet). */
async function tokenSigner(
  prisma: ReturnType<typeof fixturePrisma>,
  issuer: string,
  tenantId: string,
): Promise<TokenSigner> {
  const db = standaloneDatabase(prisma);
  const store = new OidcKeyStore(
    db.uow,
    db.oidcKeys,
    new SecretSealer(loadOrCreateLocalKeyRing('.labkeys/master.key')),
  );
  await store.ensureKey();
  const { keys } = await store.load(0);
  const key = keys.at(-1)!;
  const privateKey = key.privateKey();
  return (handle, tags) => {
    const iat = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub: webIdentitySubject(tenantId, handle),
      aud: 'sts.amazonaws.com',
      iat,
      nbf: iat,
      exp: iat + 300,
      jti: randomUUID(),
      'https://aws.amazon.com/tags': {
        principal_tags: Object.fromEntries(
          tags.map((t): [string, (string | undefined)[]] => [String(t.Key), [t.Value]]),
        ),
        transitive_tag_keys: [],
      },
      'https://aws.amazon.com/source_identity': handle,
    };
    return signRs256(claims, privateKey, key.kid);
  };
}

/** The service's own request shape (buildAssumeRoleInput), sent straight from the SDK. */
async function baseline(
  endpoint: string,
  room: Classroom,
  n: number,
  c: number,
  tokens: TokenSigner | null,
): Promise<number> {
  const client = new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: c }) }),
  });
  const input = (i: number) => {
    const sessionId = randomUUID();
    const student = room.students[i % room.students.length];
    const ctx = {
      tenantId: room.tenantId,
      labId: room.labId,
      sessionId,
      studentHandle: student.handle,
      courseId: room.courseId,
      courseCode: room.courseCode,
      region: 'us-east-1',
      accountId: '123456789012',
      partition: 'aws',
      externalId: room.externalId,
      durationSeconds: 3600,
      roleSessionName: roleSessionNameFor({ studentHandle: student.handle, sessionId }),
    };
    return buildAssumeRoleInput(
      {
        roleArn: LAB_ROLE_ARN,
        sessionPolicyTemplate: SCOPED_POLICY,
        sessionTags: [{ key: 'course', value: '{{course.code}}' }],
      },
      ctx,
    );
  };
  // webIdentity: the same role, session name, policy and duration; tags and source identity ride in the token.
  const command = (params: ReturnType<typeof input>) =>
    tokens
      ? new AssumeRoleWithWebIdentityCommand({
          RoleArn: params.RoleArn,
          RoleSessionName: params.RoleSessionName,
          DurationSeconds: params.DurationSeconds,
          Policy: params.Policy,
          WebIdentityToken: tokens(params.SourceIdentity!, params.Tags ?? []),
        })
      : new AssumeRoleCommand(params);
  // Warm the connections and the SDK before timing, as the worker's first jobs would.
  await mapLimit(
    Array.from({ length: c }, (_, i) => i),
    c,
    (i) => client.send(command(input(i)) as AssumeRoleCommand),
  );
  const commands = Array.from({ length: n }, (_, i) => command(input(i)));
  const started = performance.now();
  await mapLimit(commands, c, (cmd) => client.send(cmd as AssumeRoleCommand));
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return seconds;
}

async function runPipeline(
  apiUrl: string,
  databaseUrl: string,
  room: Classroom,
  n: number,
  onStreamsOpen: () => Promise<void>,
) {
  const agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  const streams = await mapLimit(room.students, 32, (s) => TimedStream.open(agent, `${apiUrl}/v1/me/events`, s.token));
  onCleanup(() => {
    streams.forEach((s) => s.stop());
    agent.destroy();
  });
  console.log(`${streams.length} student streams open; starting the lab`);
  await onStreamsOpen();

  return withPg(databaseUrl, async (pg) => {
    const started = performance.now();
    const response = await fetch(`${apiUrl}/v1/labs/${room.labId}/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${room.ownerToken}` },
    });
    if (response.status !== 202) throw new Error(`start answered ${response.status}: ${await response.text()}`);
    let seconds: number;
    const deadline = Date.now() + 5 * 60 * 1000;
    // A count on the (tenant, lab, state) index every 20 ms: cheap next to the pipeline's own queries.
    for (;;) {
      const { rows } = await pg.query<{ state: string; count: string }>(
        `SELECT state, count(*) FROM lab_sessions WHERE lab_id = $1 GROUP BY state`,
        [room.labId],
      );
      const by = Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
      if ((by.ACTIVE ?? 0) >= n) {
        seconds = (performance.now() - started) / 1000;
        break;
      }
      if ((by.FAILED ?? 0) > 0) throw new Error(`sessions failed: ${JSON.stringify(by)}`);
      if (Date.now() > deadline) throw new Error(`not all ACTIVE after 5 min: ${JSON.stringify(by)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const waitUntil = Date.now() + 60000;
    while (streams.some((s) => !s.firstAt.has('session.issued')) && Date.now() < waitUntil)
      await new Promise((r) => setTimeout(r, 50));
    const missing = streams.filter((s) => !s.firstAt.has('session.issued')).length;
    if (missing > 0) throw new Error(`${missing} students never received session.issued`);
    const ttc = streams.map((s) => s.firstAt.get('session.issued')! - started).sort((a, b) => a - b);
    return {
      seconds,
      p50Ms: Math.round(percentile(ttc, 50)),
      p99Ms: Math.round(percentile(ttc, 99)),
      maxMs: Math.round(ttc[ttc.length - 1]),
    };
  });
}
