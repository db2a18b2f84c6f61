import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DelayedError, type Job } from 'bullmq';
import { AwsCallError, type AssumedRole, type SessionIssuer } from '@labkeys/aws';
import { AppConfig, loadEnv } from '@labkeys/config';
import { SessionSecrets, type CallerIdentityCache, type LabContext, type LabContextCache } from '@labkeys/core';
import {
  tenantScopeOf,
  type ClaimedSession,
  type IssuedCredentials,
  type LabSessionRepository,
} from '@labkeys/database';
import type { PushEvent, PushPublisher } from '@labkeys/push';
import { JobName, type JobProducer, type SessionRef } from '@labkeys/queues';
import type { StsPacer } from '../issuance/sts-pacer';
import { IssueSessionHandler } from './issue-session.handler';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const TENANT = '0190a000-0000-7000-8000-000000000001';
const LAB = '0190a000-0000-7000-8000-0000000000a1';
const SESSION = '0190a000-0000-7000-8000-0000000000c1';
const TOKEN = 'lock-token-1';
const scope = tenantScopeOf(TENANT);

const config = new AppConfig(
  loadEnv({
    LABKEYS_MASTER_KEY: `unit:${randomBytes(32).toString('base64')}`,
    ISSUE_MAX_ATTEMPTS: '3',
    ISSUE_MAX_SECONDS: '600',
    EXPIRING_NOTICE_SECONDS: '300',
    RENEW_LEAD_SECONDS: '600',
  }),
);

function claimed(overrides: Partial<ClaimedSession> = {}): ClaimedSession {
  return {
    id: SESSION,
    tenantId: TENANT,
    labId: LAB,
    studentId: '0190a000-0000-7000-8000-0000000000b1',
    predecessorId: null,
    roleSessionName: 'lk-ada-0190a000',
    studentHandle: 'ada',
    attempts: 1,
    retryingMs: 0,
    lastErrorCode: null,
    lastErrorMessage: null,
    holdMs: 0,
    ...overrides,
  };
}

function labContext(
  overrides: {
    state?: LabContext['state'];
    autoRenew?: boolean;
    sessionDurationSeconds?: number;
    maxSessionSeconds?: number | null;
  } = {},
): LabContext {
  const at = new Date(NOW - 86_400_000);
  const connection = {
    id: '0190a000-0000-7000-8000-0000000000d1',
    tenantId: TENANT,
    name: 'Sandbox',
    accountId: '123456789012',
    region: 'eu-west-1',
    partition: 'aws',
    mode: 'ASSUME_ROLE' as const,
    externalId: 'labkeys-external-1',
    labRoleArn: null,
    managementRoleArn: null,
    endpointOverride: null,
    maxSessionSeconds: overrides.maxSessionSeconds ?? null,
    roleChaining: false,
    verifiedAt: at,
    lastVerifiedAt: at,
    lastVerifyOk: true,
    lastVerifyFailures: null,
    createdAt: at,
    updatedAt: at,
  };
  return {
    id: LAB,
    tenantId: TENANT,
    courseId: '0190a000-0000-7000-8000-0000000000e1',
    templateId: '0190a000-0000-7000-8000-0000000000f1',
    name: 'Week 3',
    state: overrides.state ?? 'RUNNING',
    startsAt: null,
    endsAt: null,
    sessionDurationSeconds: overrides.sessionDurationSeconds ?? 7200,
    autoRenew: overrides.autoRenew ?? false,
    startedAt: at,
    endedAt: null,
    createdAt: at,
    updatedAt: at,
    course: { id: '0190a000-0000-7000-8000-0000000000e1', code: 'CS101' },
    template: {
      id: '0190a000-0000-7000-8000-0000000000f1',
      tenantId: TENANT,
      connectionId: connection.id,
      name: 'Lab role',
      roleArn: 'arn:aws:iam::123456789012:role/LabStudent',
      sessionPolicyTemplate: null,
      durationSeconds: 3600,
      consoleDestination: null,
      managedPolicyArns: [],
      sessionTags: [],
      transitiveTagKeys: [],
      allowedRegions: [],
      createdAt: at,
      updatedAt: at,
      connection,
    },
  };
}

function assumed(expiresInMs = 3_600_000): AssumedRole {
  return {
    accessKeyId: 'ASIAUNITTEST0000001',
    secretAccessKey: 'secret-key-of-ada',
    sessionToken: 'session-token-of-ada',
    expiration: new Date(NOW + expiresInMs),
    assumedRoleId: 'AROAUNITTEST:lk-ada-0190a000',
    assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/LabStudent/lk-ada-0190a000',
  };
}

function setUp() {
  const sessions: jest.Mocked<
    Pick<LabSessionRepository, 'claimForIssuing' | 'releaseClaim' | 'markActive' | 'markFailed'>
  > = {
    claimForIssuing: jest.fn().mockResolvedValue(claimed()),
    releaseClaim: jest.fn().mockResolvedValue(true),
    markActive: jest.fn().mockResolvedValue(true),
    markFailed: jest.fn().mockResolvedValue(true),
  };
  const labs: jest.Mocked<Pick<LabContextCache, 'get'>> = { get: jest.fn().mockResolvedValue(labContext()) };
  const issuer: jest.Mocked<Pick<SessionIssuer, 'issue'>> = { issue: jest.fn().mockResolvedValue(assumed()) };
  const identity: jest.Mocked<Pick<CallerIdentityCache, 'chains'>> = { chains: jest.fn().mockResolvedValue(false) };
  const pacer: jest.Mocked<Pick<StsPacer, 'acquire'>> = { acquire: jest.fn().mockResolvedValue(0) };
  const producer: jest.Mocked<Pick<JobProducer, 'add'>> = { add: jest.fn().mockResolvedValue(undefined) };
  const push: jest.Mocked<Pick<PushPublisher, 'publish'>> = { publish: jest.fn().mockResolvedValue(undefined) };
  const job: jest.Mocked<Pick<Job<SessionRef>, 'moveToDelayed'>> & Pick<Job<SessionRef>, 'timestamp' | 'attemptsMade'> =
    {
      moveToDelayed: jest.fn().mockResolvedValue(undefined),
      timestamp: Date.now(),
      attemptsMade: 0,
    };
  const secrets = new SessionSecrets(config);
  const handler = new IssueSessionHandler(
    sessions as unknown as LabSessionRepository,
    labs as unknown as LabContextCache,
    issuer as unknown as SessionIssuer,
    identity as unknown as CallerIdentityCache,
    pacer as unknown as StsPacer,
    secrets,
    producer as unknown as JobProducer,
    push as unknown as PushPublisher,
    config,
  );
  // `null`: a delivery without a lock token (no job to delay).
  const handle = (token: string | null = TOKEN) =>
    handler.handle({ tenantId: TENANT, sessionId: SESSION }, job as unknown as Job<SessionRef>, token ?? undefined);
  const pushed = (): PushEvent[] => push.publish.mock.calls.flat(2);
  return { sessions, labs, issuer, identity, pacer, producer, push, job, secrets, handle, pushed };
}

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('IssueSessionHandler', () => {
  describe('when the claim is lost', () => {
    it('does nothing when another worker holds the session or it is no longer PENDING', async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(null);

      await expect(t.handle()).resolves.toBe('skipped');

      expect(t.sessions.claimForIssuing).toHaveBeenCalledWith(
        scope,
        SESSION,
        config.issueLeaseMs,
        config.revocationClockMarginMs,
      );
      expect(t.issuer.issue).not.toHaveBeenCalled();
      expect(t.pacer.acquire).not.toHaveBeenCalled();
      expect(t.sessions.releaseClaim).not.toHaveBeenCalled();
      expect(t.sessions.markFailed).not.toHaveBeenCalled();
      expect(t.push.publish).not.toHaveBeenCalled();
    });
  });

  describe('when it must wait', () => {
    it("delays the job by the pacer's wait, gives the claim back without counting an attempt, and calls no STS", async () => {
      const t = setUp();
      t.pacer.acquire.mockResolvedValue(750);

      await expect(t.handle()).rejects.toBeInstanceOf(DelayedError);

      expect(t.pacer.acquire).toHaveBeenCalledWith('123456789012');
      expect(t.sessions.releaseClaim).toHaveBeenCalledWith(scope, SESSION, { attempt: false });
      expect(t.job.moveToDelayed).toHaveBeenCalledWith(NOW + 750, TOKEN);
      expect(t.issuer.issue).not.toHaveBeenCalled();
      expect(t.sessions.markActive).not.toHaveBeenCalled();
    });

    it("holds a newcomer while the lab's fresh lab-wide deny could still catch it, before asking the pacer", async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(claimed({ holdMs: 1234.2 }));

      await expect(t.handle()).rejects.toBeInstanceOf(DelayedError);

      expect(t.sessions.releaseClaim).toHaveBeenCalledWith(scope, SESSION, { attempt: false });
      expect(t.job.moveToDelayed).toHaveBeenCalledWith(NOW + 1235, TOKEN);
      expect(t.pacer.acquire).not.toHaveBeenCalled();
      expect(t.labs.get).not.toHaveBeenCalled();
      expect(t.issuer.issue).not.toHaveBeenCalled();
    });

    it('without a lock token (no job to delay) gives the held claim back and skips', async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(claimed({ holdMs: 500 }));

      await expect(t.handle(null)).resolves.toBe('skipped');

      expect(t.sessions.releaseClaim).toHaveBeenCalledWith(scope, SESSION, { attempt: false });
      expect(t.job.moveToDelayed).not.toHaveBeenCalled();
      expect(t.issuer.issue).not.toHaveBeenCalled();
    });
  });

  describe('when AWS refuses', () => {
    it("gives a retryable error's claim back with the error recorded and rethrows it for BullMQ to retry", async () => {
      const t = setUp();
      const throttled = new AwsCallError('Throttling', 'Rate exceeded', 400, true);
      t.issuer.issue.mockRejectedValue(throttled);

      await expect(t.handle()).rejects.toBe(throttled);

      expect(t.sessions.releaseClaim).toHaveBeenCalledWith(scope, SESSION, {
        attempt: true,
        code: 'Throttling',
        message: 'Rate exceeded',
      });
      expect(t.sessions.markFailed).not.toHaveBeenCalled();
      expect(t.sessions.markActive).not.toHaveBeenCalled();
      expect(t.push.publish).not.toHaveBeenCalled();
    });

    it("records an error that is not AWS's as InternalError and retries it", async () => {
      const t = setUp();
      const reset = new Error('socket hang up');
      t.issuer.issue.mockRejectedValue(reset);

      await expect(t.handle()).rejects.toBe(reset);

      expect(t.sessions.releaseClaim).toHaveBeenCalledWith(scope, SESSION, {
        attempt: true,
        code: 'InternalError',
        message: 'socket hang up',
      });
    });

    it("ends the session FAILED with AWS's code and message on a permanent error and pushes session.failed", async () => {
      const t = setUp();
      const message =
        'User: arn:aws:iam::123456789012:user/labkeys is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/LabStudent';
      t.issuer.issue.mockRejectedValue(new AwsCallError('AccessDenied', message, 403, false));

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.sessions.markFailed).toHaveBeenCalledWith(scope, SESSION, 'ISSUING', 'AccessDenied', message);
      expect(t.sessions.releaseClaim).not.toHaveBeenCalled();
      expect(t.pushed()).toEqual([
        expect.objectContaining({
          type: 'session.failed',
          tenantId: TENANT,
          labId: LAB,
          sessionId: SESSION,
          state: 'FAILED',
          detail: { code: 'AccessDenied', message },
        }),
      ]);
    });

    it('pushes nothing when the session left ISSUING before it could be failed', async () => {
      const t = setUp();
      t.issuer.issue.mockRejectedValue(new AwsCallError('AccessDenied', 'denied', 403, false));
      t.sessions.markFailed.mockResolvedValue(false);

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.push.publish).not.toHaveBeenCalled();
    });

    it('fails a session whose lab no longer runs without calling STS', async () => {
      const t = setUp();
      t.labs.get.mockResolvedValue(labContext({ state: 'ENDED' }));

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.sessions.markFailed).toHaveBeenCalledWith(
        scope,
        SESSION,
        'ISSUING',
        'LabNotRunning',
        'The lab is ended; no credentials were issued.',
      );
      expect(t.issuer.issue).not.toHaveBeenCalled();
    });
  });

  describe('when the budget is spent', () => {
    it('fails a retryable error on the last allowed attempt instead of retrying it', async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(claimed({ attempts: config.issueMaxAttempts }));
      t.issuer.issue.mockRejectedValue(new AwsCallError('Throttling', 'Rate exceeded', 400, true));

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.sessions.markFailed).toHaveBeenCalledWith(scope, SESSION, 'ISSUING', 'Throttling', 'Rate exceeded');
      expect(t.sessions.releaseClaim).not.toHaveBeenCalled();
      expect(t.pushed()).toEqual([
        expect.objectContaining({ type: 'session.failed', detail: { code: 'Throttling', message: 'Rate exceeded' } }),
      ]);
    });

    it('fails a retryable error once the time budget is spent', async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(claimed({ attempts: 2, retryingMs: config.issueMaxMs }));
      t.issuer.issue.mockRejectedValue(new AwsCallError('ServiceUnavailable', 'Try later', 503, true));

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.sessions.markFailed).toHaveBeenCalledWith(scope, SESSION, 'ISSUING', 'ServiceUnavailable', 'Try later');
    });

    it('fails a session claimed past its last attempt with the last AWS error, without calling STS', async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(
        claimed({
          attempts: config.issueMaxAttempts + 1,
          lastErrorCode: 'Throttling',
          lastErrorMessage: 'Rate exceeded',
        }),
      );

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.sessions.markFailed).toHaveBeenCalledWith(scope, SESSION, 'ISSUING', 'Throttling', 'Rate exceeded');
      expect(t.issuer.issue).not.toHaveBeenCalled();
      expect(t.pacer.acquire).not.toHaveBeenCalled();
    });

    it('says how long it tried when no AWS error was recorded', async () => {
      const t = setUp();
      t.sessions.claimForIssuing.mockResolvedValue(claimed({ attempts: 2, retryingMs: config.issueMaxMs + 40_000 }));

      await expect(t.handle()).resolves.toBe('failed');

      expect(t.sessions.markFailed).toHaveBeenCalledWith(
        scope,
        SESSION,
        'ISSUING',
        'IssuanceGaveUp',
        'No credentials could be issued after 2 attempt(s) over 640 s.',
      );
      expect(t.issuer.issue).not.toHaveBeenCalled();
    });
  });

  describe('when STS issues', () => {
    it('stores the sealed credentials on the role it was issued on, queues the expiry and pushes session.issued', async () => {
      const t = setUp();
      const issued = assumed(3_600_000);
      t.issuer.issue.mockResolvedValue(issued);

      await expect(t.handle()).resolves.toBe('active');

      const [markScope, markId, credentials] = t.sessions.markActive.mock.calls[0] as [
        unknown,
        string,
        IssuedCredentials,
      ];
      expect([markScope, markId]).toEqual([scope, SESSION]);
      expect(credentials).toEqual({
        accessKeyId: issued.accessKeyId,
        sealedSecret: expect.any(Buffer),
        sealKeyId: 'unit',
        assumedRoleId: issued.assumedRoleId,
        assumedRoleArn: issued.assumedRoleArn,
        expiresAt: issued.expiration,
        connectionId: '0190a000-0000-7000-8000-0000000000d1',
        roleArn: 'arn:aws:iam::123456789012:role/LabStudent',
      });
      // The stored secret is the one STS answered, sealed to this tenant and session.
      expect(t.secrets.open(TENANT, SESSION, credentials.sealKeyId, credentials.sealedSecret)).toEqual({
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      });
      expect(credentials.sealedSecret.toString('utf8')).not.toContain(issued.secretAccessKey);

      // First due a notice period before expiry; no renewal for a lab without auto-renew.
      expect(t.producer.add.mock.calls).toEqual([
        [JobName.ExpireSession, { tenantId: TENANT, sessionId: SESSION }, { delay: 3_600_000 - 300_000 }],
      ]);
      expect(t.pushed()).toEqual([
        expect.objectContaining({
          type: 'session.issued',
          sessionId: SESSION,
          state: 'ACTIVE',
          detail: { expiresAt: issued.expiration.toISOString(), predecessorId: null },
        }),
      ]);
      expect(t.sessions.releaseClaim).not.toHaveBeenCalled();
    });

    it("asks STS for the student's session name and the lab's duration, capped at one hour under role chaining", async () => {
      const t = setUp();
      t.identity.chains.mockResolvedValue(true);

      await t.handle();

      const [connection, input, subject] = t.issuer.issue.mock.calls[0];
      expect(connection.accountId).toBe('123456789012');
      expect(subject).toBe('ada');
      expect(input).toEqual(
        expect.objectContaining({
          RoleArn: 'arn:aws:iam::123456789012:role/LabStudent',
          RoleSessionName: 'lk-ada-0190a000',
          DurationSeconds: 3600,
        }),
      );
    });

    it("asks for the lab's whole duration when the role allows it and nothing chains", async () => {
      const t = setUp();

      await t.handle();

      expect(t.issuer.issue.mock.calls[0][1].DurationSeconds).toBe(7200);
    });

    it('queues the renewal of an auto-renew lab and pushes session.renewed for a successor', async () => {
      const t = setUp();
      const predecessorId = '0190a000-0000-7000-8000-0000000000c0';
      t.sessions.claimForIssuing.mockResolvedValue(claimed({ predecessorId }));
      t.labs.get.mockResolvedValue(labContext({ autoRenew: true }));

      await expect(t.handle()).resolves.toBe('active');

      const ref = { tenantId: TENANT, sessionId: SESSION };
      expect(t.producer.add.mock.calls).toEqual([
        [JobName.ExpireSession, ref, { delay: 3_600_000 - 300_000 }],
        [JobName.RenewSession, ref, { delay: 3_600_000 - 600_000 }],
      ]);
      expect(t.pushed()).toEqual([
        expect.objectContaining({ type: 'session.renewed', detail: expect.objectContaining({ predecessorId }) }),
      ]);
    });

    it('queues nothing and pushes nothing when the session left ISSUING meanwhile (revoked during the call)', async () => {
      const t = setUp();
      t.sessions.markActive.mockResolvedValue(false);

      await expect(t.handle()).resolves.toBe('skipped');

      expect(t.producer.add).not.toHaveBeenCalled();
      expect(t.push.publish).not.toHaveBeenCalled();
    });
  });
});
