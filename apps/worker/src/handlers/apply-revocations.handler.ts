import { Injectable } from '@nestjs/common';
import { RevocationEntryRepository, tenantScopeOf } from '@labkeys/database';
import { JobName, type RoleRef } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';
import { RevocationApplier, type ApplyOutcome } from '../revocation/revocation-applier';

// Revocations arriving while this job runs cannot add a job under its fixed id, so it goes round again.
const MAX_ROUNDS = 5;

/** Writes one lab role's deny policy; a burst of revocations on the role coalesces into one job. */
@Injectable()
@HandlesJob(JobName.ApplyRevocations)
export class ApplyRevocationsHandler implements JobHandler<JobName.ApplyRevocations> {
  constructor(
    private readonly entries: RevocationEntryRepository,
    private readonly applier: RevocationApplier,
  ) {}

  async handle(role: RoleRef): Promise<ApplyOutcome[]> {
    const scope = tenantScopeOf(role.tenantId);
    const rounds: ApplyOutcome[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const outcome = await this.applier.apply(scope, role);
      if (outcome === 'nothing') break;
      rounds.push(outcome);
      const pending = await this.entries.countPending(scope, role);
      if (pending === 0) break;
    }
    return rounds;
  }
}
