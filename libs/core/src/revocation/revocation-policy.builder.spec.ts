import { randomUUID } from 'node:crypto';
import { buildRevocationPolicy, iamPolicySize, partitionByExpiry, type PolicyEntry } from './revocation-policy.builder';

const t0 = Date.parse('2026-11-21T10:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000);
const session = (labId: string, issuedSecond: number): PolicyEntry => {
  const id = randomUUID();
  return { id: randomUUID(), scope: 'SESSION', value: id, labId, at: at(issuedSecond) };
};

describe('buildRevocationPolicy', () => {
  const labA = randomUUID();
  const labB = randomUUID();

  it('answers no document when nothing is revoked, so the policy is deleted', () => {
    expect(buildRevocationPolicy({ entries: [], cutoffs: new Map(), budget: 10_240 })).toEqual({
      document: null,
      size: 0,
      fits: true,
      merged: 0,
    });
  });

  it('lists revoked sessions exactly while they fit', () => {
    const entries = [
      session(labA, 1),
      session(labA, 2),
      { id: randomUUID(), scope: 'USER_ID' as const, value: 'AROAEXAMPLE:lk-x', labId: labB, at: at(3) },
    ];
    const built = buildRevocationPolicy({ entries, cutoffs: new Map([[labA, at(10)]]), budget: 10_240 });
    const doc = JSON.parse(built.document!);
    expect(built.merged).toBe(0);
    expect(doc.Statement).toEqual([
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:PrincipalTag/labkeys:session': [entries[0].value, entries[1].value].sort() },
        },
      },
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:userid': ['AROAEXAMPLE:lk-x'] } },
      },
    ]);
    expect(built.size).toBe(iamPolicySize(JSON.stringify(doc, null, 2)));
  });

  it('denies a whole lab by tag and issue time, and drops its sessions already covered', () => {
    const lab: PolicyEntry = { id: randomUUID(), scope: 'LAB', value: labA, labId: labA, at: at(100) };
    const built = buildRevocationPolicy({
      entries: [lab, session(labA, 5), session(labA, 200)],
      cutoffs: new Map(),
      budget: 10_240,
    });
    const doc = JSON.parse(built.document!);
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:PrincipalTag/labkeys:lab': labA },
      DateLessThan: { 'aws:TokenIssueTime': at(100).toISOString() },
    });
    // Only the session issued after the lab's revocation still needs its own line.
    expect(doc.Statement[1].Condition.StringEquals['aws:PrincipalTag/labkeys:session']).toHaveLength(1);
  });

  it("merges sessions issued before the lab's earliest unrevoked one when the budget is short", () => {
    const early = Array.from({ length: 300 }, (_, i) => session(labA, i));
    const late = session(labA, 500);
    const other = Array.from({ length: 20 }, (_, i) => session(labB, i));
    const built = buildRevocationPolicy({
      entries: [...early, late, ...other],
      cutoffs: new Map([
        [labA, at(400)],
        [labB, at(10)],
      ]),
      budget: 10_240,
    });
    expect(built.fits).toBe(true);
    expect(built.merged).toBe(300);
    const doc = JSON.parse(built.document!);
    expect(doc.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:PrincipalTag/labkeys:lab': labA },
      DateLessThan: { 'aws:TokenIssueTime': at(400).toISOString() },
    });
    // The session issued after the cutoff, and lab B's (which fit), stay exact.
    expect(doc.Statement[1].Condition.StringEquals['aws:PrincipalTag/labkeys:session']).toHaveLength(21);
    expect(built.size).toBeLessThanOrEqual(10_240);
  });

  it('merges only as many labs as needed, biggest first', () => {
    const a = Array.from({ length: 200 }, (_, i) => session(labA, i));
    const b = Array.from({ length: 100 }, (_, i) => session(labB, i));
    const built = buildRevocationPolicy({
      entries: [...a, ...b],
      cutoffs: new Map([
        [labA, at(1000)],
        [labB, at(1000)],
      ]),
      budget: 10_240,
    });
    expect(built.fits).toBe(true);
    expect(built.merged).toBe(200);
  });

  it('reports a document that cannot fit even merged, for the caller to retry', () => {
    const entries = Array.from({ length: 300 }, (_, i) => session(labA, i));
    // Every session was issued after a still-live classmate's: none may be folded.
    const built = buildRevocationPolicy({ entries, cutoffs: new Map([[labA, at(0)]]), budget: 10_240 });
    expect(built.fits).toBe(false);
    expect(built.merged).toBe(0);
    expect(built.size).toBeGreaterThan(10_240);
  });

  it("respects a budget shrunk by the role's other inline policies", () => {
    const entries = Array.from({ length: 10 }, (_, i) => session(labA, i));
    expect(buildRevocationPolicy({ entries, cutoffs: new Map(), budget: 300 }).fits).toBe(false);
    expect(buildRevocationPolicy({ entries, cutoffs: new Map([[labA, at(60)]]), budget: 300 }).fits).toBe(true);
  });

  it('counts size as IAM does, whitespace outside strings excluded', () => {
    expect(iamPolicySize('{ "a" : [ "b c" ] }')).toBe('{"a":["b c"]}'.length);
  });
});

describe('partitionByExpiry', () => {
  it('prunes entries whose covered sessions have all expired, keeps the rest', () => {
    const now = at(1000);
    const entries = [
      { id: 'past', coversUntil: at(999) },
      { id: 'now', coversUntil: at(1000) },
      { id: 'future', coversUntil: at(1001) },
    ];
    const { live, stale } = partitionByExpiry(entries, now);
    expect(live.map((e) => e.id)).toEqual(['future']);
    expect(stale.map((e) => e.id)).toEqual(['past', 'now']);
  });

  it('shrinks the policy once pruned entries are left out', () => {
    const labA = randomUUID();
    const entries = Array.from({ length: 20 }, (_, i) => ({
      ...session(labA, i),
      coversUntil: at(i < 10 ? 50 : 5000),
    }));
    const full = buildRevocationPolicy({ entries, cutoffs: new Map(), budget: 10_240 });
    const pruned = buildRevocationPolicy({
      entries: partitionByExpiry(entries, at(100)).live,
      cutoffs: new Map(),
      budget: 10_240,
    });
    expect(
      JSON.parse(pruned.document!).Statement[0].Condition.StringEquals['aws:PrincipalTag/labkeys:session'],
    ).toHaveLength(10);
    expect(pruned.size).toBeLessThan(full.size);
  });
});
