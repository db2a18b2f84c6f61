import { JOB_CATALOGUE, jobIdOf, JobName } from './job-catalogue';

describe('job identity comes from the catalogue', () => {
  const tenantId = '6a1f0c1e-0000-4000-8000-000000000001';
  const id = '6a1f0c1e-0000-4000-8000-000000000002';

  it('derives the id of each job from its payload', () => {
    expect(jobIdOf(JobName.IssueSession, { tenantId, sessionId: id })).toBe(`issue-${id}`);
    expect(jobIdOf(JobName.RenewSession, { tenantId, sessionId: id })).toBe(`renew-${id}`);
    expect(jobIdOf(JobName.SendAccessLink, { tenantId, deliveryId: id })).toBe(`mail-${id}`);
    expect(
      jobIdOf(JobName.ApplyRevocations, { tenantId, connectionId: id, roleArn: 'arn:aws:iam::123456789012:role/Lab' }),
    ).toMatch(/^revoke-[0-9a-f]{32}$/);
  });

  it('gives the job of a moved time an id of its own, carrying the time', () => {
    const at = Date.parse('2026-11-21T10:00:00Z');
    expect(jobIdOf(JobName.StartLab, { tenantId, labId: id })).toBe(`start-lab-${id}`);
    expect(jobIdOf(JobName.StartLab, { tenantId, labId: id, at })).toBe(`start-lab-${id}-${at}`);
    expect(jobIdOf(JobName.EndLab, { tenantId, labId: id, at })).toBe(`end-lab-${id}-${at}`);
    expect(jobIdOf(JobName.ExpireSession, { tenantId, sessionId: id })).toBe(`expire-${id}`);
    expect(jobIdOf(JobName.ExpireSession, { tenantId, sessionId: id, at })).toBe(`expire-${id}-${at}`);
  });

  it('lets scheduled sweeps pick their own ids and gives one recovery sweep per interval', () => {
    expect(jobIdOf(JobName.Sweep, {})).toBeUndefined();
    expect(jobIdOf(JobName.Sweep, { recoverySlot: 42 })).toBe('sweep-recovery-42');
    expect(JOB_CATALOGUE[JobName.Sweep].schedulerId).toBe('repair-sweep');
  });

  it('never puts a colon in an id (BullMQ refuses them)', () => {
    const ids = [
      jobIdOf(JobName.ApplyRevocations, { tenantId, connectionId: id, roleArn: 'arn:aws:iam::1:role/x' }),
      jobIdOf(JobName.EndLab, { tenantId, labId: id, at: 1 }),
    ];
    for (const jobId of ids) expect(jobId).not.toContain(':');
  });
});
