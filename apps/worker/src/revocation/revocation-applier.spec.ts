import { Logger } from '@nestjs/common';
import { AwsCallError, type IamGateway } from '@labkeys/aws';
import { AppConfig, loadEnv } from '@labkeys/config';
import { iamPolicySize, revocationPolicyName, ROLE_INLINE_BUDGET, type AuditWriter } from '@labkeys/core';
import type {
  AwsConnection,
  DatabaseClock,
  LabSessionRepository,
  OpenRevocationEntry,
  RevocationEntryRepository,
  SessionState,
  Tx,
  UnitOfWork,
} from '@labkeys/database';
import { tenantScopeOf } from '@labkeys/database';
import type { PushEvent, PushPublisher } from '@labkeys/push';
import type { RoleRef } from '@labkeys/queues';
import type { FakeOf } from '@labkeys/testing';
import { RevocationApplier, RevocationNotAppliedError } from './revocation-applier';
import { ISSUE_CALL_ALLOWANCE_MS } from './role-revocation-state';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const MARGIN_MS = 60_000;
const TENANT = '0190a000-0000-7000-8000-000000000001';
const LAB = '0190a000-0000-7000-8000-0000000000a1';
const CONNECTION_ID = '0190a000-0000-7000-8000-0000000000d1';
const ROLE_NAME = 'LabStudent';
const ROLE: RoleRef = {
  tenantId: TENANT,
  connectionId: CONNECTION_ID,
  roleArn: `arn:aws:iam::123456789012:role/${ROLE_NAME}`,
};
const POLICY = revocationPolicyName(CONNECTION_ID);
const TX = { transaction: 'revocation round' } as unknown as Tx;
const scope = tenantScopeOf(TENANT);

const config = new AppConfig(loadEnv({ REVOCATION_CLOCK_MARGIN_SECONDS: String(MARGIN_MS / 1000) }));
const connectionRow: AwsConnection = {
  ...{
    id: CONNECTION_ID,
    tenantId: TENANT,
    name: 'Sandbox',
    accountId: '123456789012',
    region: 'eu-west-1',
    partition: 'aws',
  },
  ...{
    mode: 'ASSUME_ROLE',
    externalId: 'labkeys-external-1',
    labRoleArn: ROLE.roleArn,
    managementRoleArn: null,
    endpointOverride: null,
    maxSessionSeconds: null,
  },
  ...{
    roleChaining: false,
    verifiedAt: NOW,
    lastVerifiedAt: NOW,
    lastVerifyOk: true,
    lastVerifyFailures: null,
    createdAt: NOW,
    updatedAt: NOW,
  },
};

const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);
const sessionId = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

interface SessionRow {
  id: string;
  labId: string;
  studentId: string;
  state: SessionState;
  issuedAt: Date | null;
  expiresAt: Date | null;
  revokeRequestedAt: Date | null;
  updatedAt: Date;
  failureCode: string | null;
  failureReason: string | null;
  connectionId: string | null;
  roleArn: string | null;
}

type EntryRow = OpenRevocationEntry & { state: 'PENDING' | 'APPLIED' | 'PRUNED'; lastError: string | null };

/**
 * Postgres (sessions and revocation entries of one role) and IAM (the role's inline policies), in memory. IAM
 * counts the role's inline policies together as AWS does and answers LimitExceeded past 10,240 characters.
 */
function world() {
  const sessions: SessionRow[] = [];
  const entries: EntryRow[] = [];
  const policies = new Map<string, string>();
  /** What reached IAM and what was marked, in order. */
  const log: string[] = [];
  let refuseNextWrite: Error | null = null;
  let nextEntry = 0;

  const addSession = (n: number, fields: Partial<SessionRow> & Pick<SessionRow, 'state'>) => {
    const row: SessionRow = {
      id: sessionId(n),
      labId: LAB,
      studentId: `student-${n}`,
      issuedAt: minutes(-90),
      expiresAt: minutes(30),
      revokeRequestedAt: null,
      updatedAt: minutes(-90),
      failureCode: null,
      failureReason: null,
      connectionId: CONNECTION_ID,
      roleArn: ROLE.roleArn,
      ...fields,
    };
    sessions.push(row);
    return row;
  };
  /** A student's session revoked at `at`: REVOKING, with its own PENDING entry. */
  const revokeSession = (n: number, fields: Partial<SessionRow> = {}, at = minutes(-1)) => {
    const row = addSession(n, { state: 'REVOKING', revokeRequestedAt: at, ...fields });
    entries.push({
      id: `entry-${++nextEntry}`,
      scope: 'SESSION',
      value: row.id,
      labId: LAB,
      sessionId: row.id,
      state: 'PENDING',
      coversUntil: row.expiresAt!,
      createdAt: at,
      deniesBefore: null,
      lastError: null,
    });
    return row;
  };
  const byId = (ids: string[]) => sessions.filter((s) => ids.includes(s.id));

  const entryRepo: FakeOf<
    RevocationEntryRepository,
    'connectionOf' | 'lockRole' | 'openOfRole' | 'markApplied' | 'markPruned' | 'recordError'
  > = {
    async connectionOf(s, id) {
      return s.tenantId === TENANT && id === CONNECTION_ID ? connectionRow : null;
    },
    async lockRole(s, role, tx) {
      log.push(`lock ${role.roleArn} ${tx === TX ? 'in tx' : 'OUTSIDE tx'}`);
    },
    async openOfRole(_scope, _role) {
      return entries.filter((e) => e.state !== 'PRUNED').map(({ lastError: _lastError, ...e }) => ({ ...e }));
    },
    async markApplied(_scope, e, _now) {
      const row = entries.find((x) => x.id === e.id && x.state === 'PENDING' && x.createdAt === e.createdAt);
      if (!row) return 0;
      row.state = 'APPLIED';
      row.lastError = null;
      log.push(`applied ${row.id}`);
      return 1;
    },
    async markPruned(s, e) {
      const row = entries.find((x) => x.id === e.id && x.state === e.state);
      if (!row) return 0;
      row.state = 'PRUNED';
      return 1;
    },
    async recordError(s, ids, reason) {
      for (const e of entries.filter((x) => ids.includes(x.id) && x.state === 'PENDING')) e.lastError = reason;
    },
  };
  const sessionRepo: FakeOf<
    LabSessionRepository,
    | 'issuedAtOf'
    | 'earliestActiveIssueByLab'
    | 'earliestIssuingClaimByLab'
    | 'findCovered'
    | 'expireRevoking'
    | 'completeRevocation'
    | 'flagRevocationPending'
  > = {
    async issuedAtOf(s, ids) {
      return byId(ids).map((r) => ({ id: r.id, issuedAt: r.issuedAt }));
    },
    async earliestActiveIssueByLab(s, labIds) {
      return earliest(labIds, 'ACTIVE', (r) => r.issuedAt);
    },
    async earliestIssuingClaimByLab(s, labIds) {
      return earliest(labIds, 'ISSUING', (r) => r.updatedAt);
    },
    async findCovered(s, cover, tx, expiredBy) {
      return sessions
        .filter(
          (r) =>
            r.state === 'REVOKING' &&
            (r.roleArn === null || (r.connectionId === cover.connectionId && r.roleArn === cover.roleArn)),
        )
        .filter(
          (r) =>
            cover.sessionIds.includes(r.id) ||
            cover.labs.some(
              (l) => l.labId === r.labId && r.revokeRequestedAt !== null && r.revokeRequestedAt <= l.requestedBy,
            ),
        )
        .filter((r) => !expiredBy || (r.expiresAt !== null && r.expiresAt <= expiredBy))
        .map((r) => ({
          id: r.id,
          labId: r.labId,
          studentId: r.studentId,
          failureCode: r.failureCode,
          revokeReason: null,
        }));
    },
    async expireRevoking(s, ids) {
      for (const r of byId(ids).filter((x) => x.state === 'REVOKING')) r.state = 'EXPIRED';
    },
    async completeRevocation(s, ids) {
      for (const r of byId(ids).filter((x) => x.state === 'REVOKING'))
        Object.assign(r, { state: 'REVOKED', failureCode: null, failureReason: null });
      log.push(`revoked ${ids.length}`);
    },
    async flagRevocationPending(s, ids, reason) {
      for (const r of byId(ids).filter((x) => x.state === 'REVOKING'))
        Object.assign(r, { failureCode: 'RevocationPending', failureReason: reason });
    },
  };
  function earliest(labIds: string[], state: SessionState, at: (r: SessionRow) => Date | null) {
    return labIds.flatMap((labId) => {
      const times = sessions
        .filter((r) => r.labId === labId && r.state === state)
        .map(at)
        .filter((d): d is Date => d !== null);
      return times.length === 0 ? [] : [{ labId, at: new Date(Math.min(...times.map((d) => d.getTime()))) }];
    });
  }
  const iam: FakeOf<IamGateway, 'listRolePolicies' | 'getRolePolicy' | 'putRolePolicy' | 'deleteRolePolicy'> = {
    async listRolePolicies() {
      return [...policies.keys()];
    },
    async getRolePolicy(target, role, name) {
      return policies.get(name) ?? null;
    },
    async putRolePolicy(target, role, name, document) {
      if (refuseNextWrite) {
        const error = refuseNextWrite;
        refuseNextWrite = null;
        throw error;
      }
      const total = [...policies]
        .filter(([n]) => n !== name)
        .reduce((sum, [, doc]) => sum + iamPolicySize(doc), iamPolicySize(document));
      if (total > ROLE_INLINE_BUDGET)
        throw new AwsCallError(
          'LimitExceeded',
          `Maximum policy size of 10240 bytes exceeded for role ${role}`,
          409,
          false,
        );
      policies.set(name, document);
      log.push(`put ${name}`);
    },
    async deleteRolePolicy(target, role, name) {
      log.push(`delete ${name}`);
      return policies.delete(name);
    },
  };
  const uow: Pick<UnitOfWork, 'run'> = { run: (work) => work(TX) };
  const clock: FakeOf<DatabaseClock, 'clockTimestamp'> = { clockTimestamp: async () => NOW };
  const push: jest.Mocked<Pick<PushPublisher, 'publish'>> = { publish: jest.fn().mockResolvedValue(undefined) };
  const audit: jest.Mocked<Pick<AuditWriter, 'record'>> = { record: jest.fn().mockResolvedValue(undefined) };
  const applier = new RevocationApplier(
    uow as UnitOfWork,
    entryRepo as unknown as RevocationEntryRepository,
    sessionRepo as unknown as LabSessionRepository,
    clock as unknown as DatabaseClock,
    iam as unknown as IamGateway,
    push as unknown as PushPublisher,
    audit as unknown as AuditWriter,
    config,
  );
  return {
    sessions,
    entries,
    policies,
    log,
    push,
    audit,
    addSession,
    revokeSession,
    refuseNextWrite: (error: Error) => (refuseNextWrite = error),
    apply: (role: RoleRef = ROLE) => applier.apply(scope, role),
    /** The deny LabKeys keeps on the role, parsed. */
    deny: () => {
      const doc = policies.get(POLICY);
      return doc
        ? (JSON.parse(doc) as { Statement: { Condition: Record<string, Record<string, string | string[]>> }[] })
        : null;
    },
    pushed: (): PushEvent[] => push.publish.mock.calls.flat(2),
  };
}

/** Another inline policy of the role, of exactly `size` characters as IAM counts them. */
function otherPolicyOf(size: number): string {
  const shell = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '' }],
  });
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'x'.repeat(size - shell.length) }],
  });
}

beforeEach(() => {
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('RevocationApplier', () => {
  describe('writing the deny', () => {
    it('denies the revoked sessions on the role, then marks their entries APPLIED and the sessions REVOKED', async () => {
      const w = world();
      const a = w.revokeSession(1);
      const b = w.revokeSession(2);
      const classmate = w.addSession(3, { state: 'ACTIVE' });

      const outcome = await w.apply();

      expect(w.deny()!.Statement).toEqual([
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': [a.id, b.id] } },
        },
      ]);
      expect(outcome).toEqual({
        applied: 2,
        pruned: 0,
        revoked: 2,
        size: iamPolicySize(w.policies.get(POLICY)!),
        merged: 0,
      });
      expect(w.entries.map((e) => e.state)).toEqual(['APPLIED', 'APPLIED']);
      expect([a.state, b.state, classmate.state]).toEqual(['REVOKED', 'REVOKED', 'ACTIVE']);
      // REVOKED only once IAM holds the document, all under the role's lock in the round's transaction.
      expect(w.log).toEqual([
        `lock ${ROLE.roleArn} in tx`,
        `put ${POLICY}`,
        'applied entry-1',
        'applied entry-2',
        'revoked 2',
      ]);
      expect(w.pushed()).toEqual([
        expect.objectContaining({
          type: 'session.ended',
          sessionId: a.id,
          state: 'REVOKED',
          detail: { reason: 'revoked' },
          at: NOW.toISOString(),
        }),
        expect.objectContaining({
          type: 'session.ended',
          sessionId: b.id,
          state: 'REVOKED',
          detail: { reason: 'revoked' },
        }),
      ]);
      expect(w.audit.record).toHaveBeenCalledWith(
        scope,
        expect.objectContaining({
          action: 'revocation.applied',
          summary: expect.objectContaining({ applied: 2, pruned: 0, revoked: [a.id, b.id], expired: [] }),
        }),
        TX,
      );
    });

    it("denies a lab-wide revocation by the lab tag and the time, and ends the lab's sessions requested by then", async () => {
      const w = world();
      const revokedAt = minutes(-2);
      const inLab = [
        w.addSession(1, { state: 'REVOKING', revokeRequestedAt: revokedAt }),
        w.addSession(2, { state: 'REVOKING', revokeRequestedAt: revokedAt }),
      ];
      const later = w.addSession(3, { state: 'REVOKING', revokeRequestedAt: minutes(-1) });
      w.entries.push({
        id: 'entry-lab',
        scope: 'LAB',
        value: LAB,
        labId: LAB,
        sessionId: null,
        state: 'PENDING',
        coversUntil: minutes(60),
        createdAt: revokedAt,
        deniesBefore: minutes(-3),
        lastError: null,
      });

      await w.apply();

      expect(w.deny()!.Statement).toEqual([
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/labkeys:lab': LAB },
            DateLessThan: { 'aws:TokenIssueTime': minutes(-3).toISOString() },
          },
        },
      ]);
      expect(inLab.map((s) => s.state)).toEqual(['REVOKED', 'REVOKED']);
      // Requested after the entry was made: a later round, with the entry that covers it, ends it.
      expect(later.state).toBe('REVOKING');
    });

    it('does not rewrite a document IAM already holds', async () => {
      const w = world();
      w.revokeSession(1);
      await w.apply();

      const again = await w.apply();

      expect(w.log.filter((l) => l.startsWith('put'))).toHaveLength(1);
      expect(again).toEqual(expect.objectContaining({ applied: 0, revoked: 0 }));
    });

    it('does nothing, IAM untouched, when the role has no open entries or its connection is gone', async () => {
      const w = world();

      await expect(w.apply()).resolves.toBe('nothing');
      await expect(w.apply({ ...ROLE, connectionId: '0190a000-0000-7000-8000-0000000000d9' })).resolves.toBe('nothing');

      expect(w.log).toEqual([`lock ${ROLE.roleArn} in tx`]);
      expect(w.push.publish).not.toHaveBeenCalled();
    });
  });

  describe('pruning', () => {
    it('leaves out and prunes entries whose sessions all expired a margin ago, and ends their unwritten sessions EXPIRED', async () => {
      const w = world();
      const expired = w.revokeSession(1, { expiresAt: new Date(NOW.getTime() - MARGIN_MS - 1) });
      const live = w.revokeSession(2);

      const outcome = await w.apply();

      expect(w.deny()!.Statement).toEqual([
        expect.objectContaining({ Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': [live.id] } } }),
      ]);
      expect(w.entries.map((e) => e.state)).toEqual(['PRUNED', 'APPLIED']);
      expect([expired.state, live.state]).toEqual(['EXPIRED', 'REVOKED']);
      expect(outcome).toEqual(expect.objectContaining({ applied: 1, pruned: 1, revoked: 1 }));
      expect(w.pushed()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            sessionId: expired.id,
            type: 'session.ended',
            state: 'EXPIRED',
            detail: { reason: 'expired' },
          }),
          expect.objectContaining({ sessionId: live.id, type: 'session.ended', state: 'REVOKED' }),
        ]),
      );
    });

    it('deletes the deny once every entry is pruned', async () => {
      const w = world();
      w.revokeSession(1);
      await w.apply();
      w.entries[0].coversUntil = new Date(NOW.getTime() - MARGIN_MS - 1);
      w.log.length = 0;

      const outcome = await w.apply();

      expect(w.policies.has(POLICY)).toBe(false);
      expect(w.log).toEqual([`lock ${ROLE.roleArn} in tx`, `delete ${POLICY}`, 'revoked 0']);
      expect(w.entries[0].state).toBe('PRUNED');
      expect(outcome).toEqual(expect.objectContaining({ pruned: 1, size: 0 }));
    });
  });

  describe("the role's inline budget", () => {
    it("folds a lab's revoked sessions into one statement when the list would not fit, sparing classmates issued later", async () => {
      const w = world();
      const revoked = Array.from({ length: 40 }, (_, i) => w.revokeSession(i + 1, { issuedAt: minutes(-120 + i) }));
      const classmate = w.addSession(99, { state: 'ACTIVE', issuedAt: minutes(-30) });
      // Room for one short statement, not for forty session ids.
      w.policies.set('TeamPolicy', otherPolicyOf(ROLE_INLINE_BUDGET - 400));

      const outcome = await w.apply();

      const cutoff = new Date(classmate.issuedAt!.getTime() - ISSUE_CALL_ALLOWANCE_MS - MARGIN_MS);
      expect(w.deny()!.Statement).toEqual([
        {
          Effect: 'Deny',
          Action: '*',
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/labkeys:lab': LAB },
            DateLessThan: { 'aws:TokenIssueTime': cutoff.toISOString() },
          },
        },
      ]);
      expect(outcome).toEqual(expect.objectContaining({ merged: 40, revoked: 40, applied: 40 }));
      expect(revoked.every((s) => s.state === 'REVOKED')).toBe(true);
      expect(classmate.state).toBe('ACTIVE');
      expect(w.policies.get('TeamPolicy')).toBe(otherPolicyOf(ROLE_INLINE_BUDGET - 400));
    });

    it('writes nothing when even the merged deny does not fit: sessions stay REVOKING, flagged not yet revoked, told once', async () => {
      const w = world();
      const first = w.revokeSession(1);
      await w.apply();
      const written = w.policies.get(POLICY);
      // Another inline policy grows until the role has almost nothing left.
      w.policies.set('TeamPolicy', otherPolicyOf(ROLE_INLINE_BUDGET - iamPolicySize(written!) - 20));
      const second = w.revokeSession(2, { issuedAt: minutes(-10) });
      w.addSession(3, { state: 'ACTIVE', issuedAt: minutes(-100) });

      const thrown = await w.apply().catch((e: unknown) => e);

      expect(thrown).toBeInstanceOf(RevocationNotAppliedError);
      expect(w.policies.get(POLICY)).toBe(written);
      expect(w.log.filter((l) => l.startsWith('put'))).toHaveLength(1);
      expect(first.state).toBe('REVOKED');
      expect(second.state).toBe('REVOKING');
      expect(second.failureCode).toBe('RevocationPending');
      expect(second.failureReason).toMatch(
        /^Not yet revoked: the deny needs \d+ characters but role LabStudent has \d+ of its 10,240 inline characters left; LabKeys keeps retrying\.$/,
      );
      expect(w.entries[1]).toEqual(expect.objectContaining({ state: 'PENDING', lastError: second.failureReason }));
      expect(w.pushed().slice(1)).toEqual([
        expect.objectContaining({
          type: 'revocation.pending',
          sessionId: second.id,
          state: 'REVOKING',
          detail: { reason: second.failureReason },
        }),
      ]);

      // The retry finds it still too big and does not tell the instructor again.
      await expect(w.apply()).rejects.toBeInstanceOf(RevocationNotAppliedError);
      expect(w.pushed()).toHaveLength(2);
    });
  });

  describe('when IAM refuses', () => {
    it("keeps the sessions REVOKING with AWS's reason, rethrows for a retry, and revokes them once IAM accepts", async () => {
      const w = world();
      const session = w.revokeSession(1);
      const refusal = new AwsCallError(
        'LimitExceeded',
        `Maximum policy size of 10240 bytes exceeded for role ${ROLE_NAME}`,
        409,
        false,
      );
      w.refuseNextWrite(refusal);

      await expect(w.apply()).rejects.toBe(refusal);

      const reason = `Not yet revoked: AWS refused the deny (LimitExceeded: Maximum policy size of 10240 bytes exceeded for role ${ROLE_NAME}); LabKeys keeps retrying.`;
      expect(session).toEqual(
        expect.objectContaining({ state: 'REVOKING', failureCode: 'RevocationPending', failureReason: reason }),
      );
      expect(w.entries[0]).toEqual(expect.objectContaining({ state: 'PENDING', lastError: reason }));
      expect(w.log).not.toContain('revoked 1');
      expect(w.pushed()).toEqual([
        expect.objectContaining({
          type: 'revocation.pending',
          sessionId: session.id,
          state: 'REVOKING',
          detail: { reason },
        }),
      ]);

      await w.apply();

      expect(session).toEqual(expect.objectContaining({ state: 'REVOKED', failureCode: null, failureReason: null }));
      expect(w.entries[0].state).toBe('APPLIED');
      expect(w.pushed().at(-1)).toEqual(
        expect.objectContaining({ type: 'session.ended', sessionId: session.id, state: 'REVOKED' }),
      );
    });

    it("rethrows an error that is not AWS's without marking anything", async () => {
      const w = world();
      const session = w.revokeSession(1);
      const bug = new TypeError('cannot read properties of undefined');
      w.refuseNextWrite(bug);

      await expect(w.apply()).rejects.toBe(bug);

      expect(session).toEqual(expect.objectContaining({ state: 'REVOKING', failureCode: null }));
      expect(w.entries[0]).toEqual(expect.objectContaining({ state: 'PENDING', lastError: null }));
      expect(w.push.publish).not.toHaveBeenCalled();
    });
  });
});
