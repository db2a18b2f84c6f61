import {
  tenantScopeOf,
  type LabSessionRepository,
  type OpenRevocationEntry,
  type RevocationEntryRepository,
  type Tx,
} from '@labkeys/database';
import type { RoleRef } from '@labkeys/queues';
import type { FakeOf } from '@labkeys/testing';
import {
  coverOf,
  ISSUE_CALL_ALLOWANCE_MS,
  readRoleRevocationState,
  type RevocationReads,
} from './role-revocation-state';

const NOW = new Date('2026-03-02T12:00:00.000Z');
const MARGIN_MS = 60_000;
const LAB_A = '0190a000-0000-7000-8000-0000000000a1';
const LAB_B = '0190a000-0000-7000-8000-0000000000a2';
const ROLE: RoleRef = {
  tenantId: '0190a000-0000-7000-8000-000000000001',
  connectionId: '0190a000-0000-7000-8000-0000000000d1',
  roleArn: 'arn:aws:iam::123456789012:role/LabStudent',
};
const TX = { transaction: 'round' } as unknown as Tx;
const scope = tenantScopeOf(ROLE.tenantId);
const at = (ms: number) => new Date(NOW.getTime() + ms);

function entry(id: string, fields: Partial<OpenRevocationEntry>): OpenRevocationEntry {
  return {
    id,
    scope: 'SESSION',
    value: `session-of-${id}`,
    labId: LAB_A,
    sessionId: `session-of-${id}`,
    state: 'PENDING',
    coversUntil: at(3_600_000),
    createdAt: at(-60_000),
    deniesBefore: null,
    ...fields,
  };
}

/** Entries of the role, sessions' issue times, and per lab the earliest ACTIVE issue and ISSUING claim. */
function reads(
  entries: OpenRevocationEntry[],
  issued: Record<string, Date | null> = {},
  earliest: { active?: Record<string, Date>; issuing?: Record<string, Date> } = {},
) {
  const asked: string[][] = [];
  const entryReads: FakeOf<RevocationEntryRepository, 'openOfRole'> = {
    openOfRole: async (s, role, tx) =>
      s.tenantId === ROLE.tenantId && role.roleArn === ROLE.roleArn && tx === TX ? entries : [],
  };
  const group = (labIds: string[], by: Record<string, Date> = {}) =>
    labIds.filter((id) => by[id]).map((labId) => ({ labId, at: by[labId] }));
  const sessionReads: FakeOf<
    LabSessionRepository,
    'issuedAtOf' | 'earliestActiveIssueByLab' | 'earliestIssuingClaimByLab'
  > = {
    issuedAtOf: async (s, ids) => ids.filter((id) => id in issued).map((id) => ({ id, issuedAt: issued[id] })),
    earliestActiveIssueByLab: async (s, labIds) => (asked.push(labIds), group(labIds, earliest.active)),
    earliestIssuingClaimByLab: async (s, labIds) => group(labIds, earliest.issuing),
  };
  const fakes = { entries: entryReads, sessions: sessionReads } as unknown as RevocationReads;
  return { read: () => readRoleRevocationState(fakes, scope, ROLE, NOW, MARGIN_MS, TX), asked };
}

describe('readRoleRevocationState', () => {
  it('keeps an entry until its sessions expired a clock margin ago, then leaves it to be pruned', async () => {
    const { read } = reads([
      entry('covering', { coversUntil: at(1) }),
      entry('within-margin', { coversUntil: at(-MARGIN_MS + 1) }),
      entry('past-margin', { coversUntil: at(-MARGIN_MS) }),
    ]);

    const state = await read();

    expect(state.live.map((e) => e.id)).toEqual(['covering', 'within-margin']);
    expect(state.stale.map((e) => e.id)).toEqual(['past-margin']);
    expect(state.policyEntries.map((e) => e.id)).toEqual(['covering', 'within-margin']);
  });

  it("dates a lab entry by the time it denies before (or its creation) and a session entry by its session's issue", async () => {
    const issuedAt = at(-3_600_000);
    const { read } = reads(
      [
        entry('lab', {
          scope: 'LAB',
          value: LAB_B,
          labId: LAB_B,
          sessionId: null,
          deniesBefore: at(-120_000),
          createdAt: at(-60_000),
        }),
        entry('lab-old', {
          scope: 'LAB',
          value: LAB_A,
          labId: LAB_A,
          sessionId: null,
          deniesBefore: null,
          createdAt: at(-30_000),
        }),
        entry('issued', { sessionId: 's-1', value: 's-1' }),
        entry('never-issued', { sessionId: 's-2', value: 's-2' }),
        entry('user-id', { scope: 'USER_ID', sessionId: 's-3', value: 'AROAUNITTEST:lk-ada-0190a000' }),
      ],
      { 's-1': issuedAt, 's-2': null, 's-3': issuedAt },
    );

    const { policyEntries } = await read();

    expect(policyEntries).toEqual([
      { id: 'lab', scope: 'LAB', value: LAB_B, labId: LAB_B, at: at(-120_000) },
      { id: 'lab-old', scope: 'LAB', value: LAB_A, labId: LAB_A, at: at(-30_000) },
      { id: 'issued', scope: 'SESSION', value: 's-1', labId: LAB_A, at: issuedAt },
      { id: 'never-issued', scope: 'SESSION', value: 's-2', labId: LAB_A, at: null },
      { id: 'user-id', scope: 'USER_ID', value: 'AROAUNITTEST:lk-ada-0190a000', labId: LAB_A, at: issuedAt },
    ]);
  });

  it("puts a lab's merge cutoff before its earliest live session could have been issued", async () => {
    const activeIssued = at(-1_800_000);
    const claimed = at(-2_400_000);
    const { read } = reads(
      [entry('a', { labId: LAB_A }), entry('b', { labId: LAB_B })],
      {},
      {
        active: { [LAB_A]: activeIssued, [LAB_B]: at(-5_000) },
        issuing: { [LAB_A]: at(-60_000), [LAB_B]: claimed },
      },
    );

    const { cutoffs } = await read();

    // LAB_A: its ACTIVE session's issue, less the STS call and the clock margin; a later claim does not raise it.
    expect(cutoffs.get(LAB_A)).toEqual(new Date(activeIssued.getTime() - ISSUE_CALL_ALLOWANCE_MS - MARGIN_MS));
    // LAB_B: the earlier of its ISSUING claim and its ACTIVE issue.
    expect(cutoffs.get(LAB_B)).toEqual(new Date(claimed.getTime() - ISSUE_CALL_ALLOWANCE_MS - MARGIN_MS));
  });

  it("cuts off a lab with no live session a margin before now, the earliest a PENDING one can be issued by AWS's clock", async () => {
    const { read } = reads([entry('a', {})], {}, { active: {} });

    const { cutoffs } = await read();

    expect(cutoffs).toEqual(new Map([[LAB_A, at(-MARGIN_MS)]]));
  });

  it('asks no lab cutoffs when only lab-wide entries are open', async () => {
    const { read, asked } = reads([entry('lab', { scope: 'LAB', value: LAB_A, sessionId: null })]);

    const { cutoffs } = await read();

    expect(cutoffs.size).toBe(0);
    expect(asked).toEqual([]);
  });
});

describe('coverOf', () => {
  it("covers the sessions named by session entries and the lab's sessions whose end was requested by a lab entry's creation", () => {
    const created = at(-90_000);
    const cover = coverOf(ROLE, [
      entry('one', { sessionId: 's-1', value: 's-1' }),
      entry('user', { scope: 'USER_ID', sessionId: 's-2', value: 'AROAUNITTEST:lk-bo-0190a000' }),
      entry('lab', {
        scope: 'LAB',
        value: LAB_B,
        labId: LAB_B,
        sessionId: null,
        createdAt: created,
        deniesBefore: at(-150_000),
      }),
    ]);

    expect(cover).toEqual({
      connectionId: ROLE.connectionId,
      roleArn: ROLE.roleArn,
      sessionIds: ['s-1', 's-2'],
      labs: [{ labId: LAB_B, requestedBy: created }],
    });
  });
});
