import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startAwsLocal } from '@labkeys/aws-local';
import type { AwsLocal } from '@labkeys/aws-local';
import {
  ADMIN,
  EXTERNAL_ID,
  LAB_ROLE_ARN,
  iamClient,
  s3Client,
  sdkError,
  startTestAwsLocal,
  stsClient,
  testWorld,
} from './support/aws-local-harness';

const codeOf = (e: unknown): string => (e as { Code: string }).Code;
const assume = (aws: AwsLocal, client = stsClient(aws)) =>
  client.send(new AssumeRoleCommand({ RoleArn: LAB_ROLE_ARN, RoleSessionName: 'faults', ExternalId: EXTERNAL_ID }));

async function outcomes(aws: AwsLocal, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++)
    out.push(
      await assume(aws).then(
        () => 'ok',
        (e: unknown) => codeOf(e),
      ),
    );
  return out;
}

describe('faults, counters and admin endpoints', () => {
  let aws: AwsLocal;
  beforeEach(async () => {
    aws = await startTestAwsLocal();
  });
  afterEach(() => aws.close());

  it('throttles STS, IAM and S3 the way each service does, set over HTTP', async () => {
    const put = await fetch(`${aws.url}/_aws-local/faults`, {
      method: 'PUT',
      body: JSON.stringify({ throttleRate: 1 }),
    });
    expect(await put.json()).toMatchObject({ throttleRate: 1, errorRate: 0 });
    const sts = await sdkError(assume(aws));
    expect(codeOf(sts)).toBe('Throttling');
    expect(sts.message).toBe('Rate exceeded');
    expect(sts.$metadata.httpStatusCode).toBe(400);
    const iam = await sdkError(iamClient(aws).send(new GetRoleCommand({ RoleName: 'lab-student' })));
    expect(codeOf(iam)).toBe('Throttling');
    const s3 = await sdkError(s3Client(aws).send(new ListBucketsCommand({})));
    expect(s3.name).toBe('SlowDown');
    expect(s3.$metadata.httpStatusCode).toBe(503);
  });

  it('injects 5xx errors, limited to chosen actions', async () => {
    aws.setFaults({ errorRate: 1, actions: ['sts:AssumeRole'] });
    const error = await sdkError(assume(aws));
    expect(['InternalFailure', 'ServiceUnavailable']).toContain(codeOf(error));
    expect(error.$metadata.httpStatusCode).toBeGreaterThanOrEqual(500);
    const me = await stsClient(aws).send(new GetCallerIdentityCommand({}));
    expect(me.Account).toBe('123456789012');
  });

  it('throttles the STS calls of chosen role session names only, always, until cleared', async () => {
    const named = (name: string) =>
      stsClient(aws)
        .send(new AssumeRoleCommand({ RoleArn: LAB_ROLE_ARN, RoleSessionName: name, ExternalId: EXTERNAL_ID }))
        .then(
          () => 'ok',
          (e: unknown) => codeOf(e),
        );
    const put = await fetch(`${aws.url}/_aws-local/faults`, {
      method: 'PUT',
      body: JSON.stringify({ throttleRoleSessionNames: ['lk-ada-'] }),
    });
    expect(await put.json()).toMatchObject({ throttleRoleSessionNames: ['lk-ada-'], throttleRate: 0 });
    expect(await named('lk-ada-0190a000')).toBe('Throttling');
    expect(await named('lk-ada-0190a001')).toBe('Throttling');
    expect(await named('lk-grace-0190a000')).toBe('ok');
    expect((await stsClient(aws).send(new GetCallerIdentityCommand({}))).Account).toBe('123456789012');
    aws.setFaults({ throttleRoleSessionNames: [] });
    expect(await named('lk-ada-0190a000')).toBe('ok');
    const bad = await fetch(`${aws.url}/_aws-local/faults`, {
      method: 'PUT',
      body: JSON.stringify({ throttleRoleSessionNames: [''] }),
    });
    expect(bad.status).toBe(400);
  });

  it('draws the same faults for the same seed', async () => {
    aws.setFaults({ throttleRate: 0.5, seed: 42 });
    const first = await outcomes(aws, 12);
    aws.setFaults({ seed: 42 });
    const second = await outcomes(aws, 12);
    expect(second).toEqual(first);
    expect(first).toContain('ok');
    expect(first).toContain('Throttling');
  });

  it('lets the SDK retry throttled calls, and counts every attempt and every faulted one', async () => {
    aws.setFaults({ throttleRate: 0.3, seed: 7 });
    const retrying = new STSClient({ endpoint: aws.url, region: 'us-east-1', credentials: ADMIN, maxAttempts: 10 });
    let attempts = 0;
    for (let i = 0; i < 3; i++) attempts += (await assume(aws, retrying)).$metadata.attempts ?? 0;
    expect(attempts).toBeGreaterThan(3);
    expect(aws.counters()).toEqual({ 'sts:AssumeRole': attempts });
    expect(aws.faultedCounters()).toEqual({ 'sts:AssumeRole': attempts - 3 });
    const overHttp = await (await fetch(`${aws.url}/_aws-local/counters`)).json();
    expect(overHttp).toEqual({ 'sts:AssumeRole': attempts });
    // Each attempt's arrival time, oldest first, in process and over HTTP.
    const times = aws.callTimes('sts:AssumeRole');
    expect(times).toHaveLength(attempts);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Math.abs(times[times.length - 1] - Date.now())).toBeLessThan(60_000);
    expect(await (await fetch(`${aws.url}/_aws-local/counters/times?action=sts:AssumeRole`)).json()).toEqual({
      action: 'sts:AssumeRole',
      times,
    });
    expect((await fetch(`${aws.url}/_aws-local/counters/times`)).status).toBe(400);
    await fetch(`${aws.url}/_aws-local/counters/reset`, { method: 'POST' });
    expect(aws.counters()).toEqual({});
    expect(aws.callTimes('sts:AssumeRole')).toEqual([]);
  });

  it('counts failed calls per action', async () => {
    await sdkError(stsClient(aws).send(new AssumeRoleCommand({ RoleArn: LAB_ROLE_ARN, RoleSessionName: 'x' })));
    await iamClient(aws).send(new GetRoleCommand({ RoleName: 'lab-student' }));
    await s3Client(aws).send(new ListBucketsCommand({}));
    expect(aws.counters()).toEqual({ 'sts:AssumeRole': 1, 'iam:GetRole': 1, 's3:ListBuckets': 1 });
  });

  it('adds latency per call and per action', async () => {
    // A wide gap between the injected latency and the other call, so a busy machine cannot blur the two.
    aws.faults = { latencyByAction: { 'sts:AssumeRole': 1500 } };
    let started = Date.now();
    await assume(aws);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1495);
    started = Date.now();
    await stsClient(aws).send(new GetCallerIdentityCommand({}));
    expect(Date.now() - started).toBeLessThan(1495);
    expect(aws.faults.latencyByAction).toEqual({ 'sts:AssumeRole': 1500 });
  });

  it('takes faults at start, and rejects invalid ones over HTTP', async () => {
    const throttled = await startAwsLocal({ state: testWorld(), faults: { throttleRate: 1 } });
    try {
      expect(codeOf(await sdkError(assume(throttled)))).toBe('Throttling');
    } finally {
      await throttled.close();
    }
    const bad = await fetch(`${aws.url}/_aws-local/faults`, {
      method: 'PUT',
      body: JSON.stringify({ throttleRate: 2 }),
    });
    expect(bad.status).toBe(400);
    expect(
      ((await (await fetch(`${aws.url}/_aws-local/faults`)).json()) as { throttleRate: number }).throttleRate,
    ).toBe(0);
  });

  it('serves health and the IAM world over HTTP', async () => {
    expect(await (await fetch(`${aws.url}/_aws-local/health`)).json()).toMatchObject({ status: 'ok', sessions: 0 });
    const role = (await (await fetch(`${aws.url}/_aws-local/iam/roles/lab-student`)).json()) as {
      inlinePolicies: Record<string, unknown>;
      inlinePolicySize: number;
    };
    expect(role).toMatchObject({
      name: 'lab-student',
      arn: LAB_ROLE_ARN,
      maxSessionDuration: 43200,
      inlinePolicies: {
        'lab-permissions': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
      },
      attachedPolicyArns: [],
    });
    expect(role.inlinePolicySize).toBe(JSON.stringify(role.inlinePolicies['lab-permissions']).length);
    expect((await fetch(`${aws.url}/_aws-local/iam/roles/ghost`)).status).toBe(404);
  });

  it('starts with the default world: admin user with AWS’s example key', async () => {
    const plain = await startAwsLocal();
    try {
      const me = await stsClient(plain).send(new GetCallerIdentityCommand({}));
      expect(me.Arn).toBe('arn:aws:iam::123456789012:user/admin');
    } finally {
      await plain.close();
    }
  });
});
