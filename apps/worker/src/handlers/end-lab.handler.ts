import { Injectable } from '@nestjs/common';
import { RevocationRequestsService } from '@labkeys/core';
import { LabRepository, tenantScopeOf } from '@labkeys/database';
import { JobName, JobProducer, type LabRef } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

/** A lab's automatic end at its end time (delayed job added at start; the sweep catches a lost or late one). */
@Injectable()
@HandlesJob(JobName.EndLab)
export class EndLabHandler implements JobHandler<JobName.EndLab> {
  constructor(
    private readonly labs: LabRepository,
    private readonly revocations: RevocationRequestsService,
    private readonly producer: JobProducer,
  ) {}

  async handle({ tenantId, labId }: LabRef): Promise<'ended' | 'rescheduled' | 'skipped'> {
    const scope = tenantScopeOf(tenantId);
    const lab = await this.labs.find(scope, labId);
    if (!lab || lab.state !== 'RUNNING' || !lab.endsAt) return 'skipped';
    const early = lab.endsAt.getTime() - Date.now();
    if (early > 0) {
      // The end time moved later after this job was queued (or clocks differ): wait for the new one.
      await this.producer.add(JobName.EndLab, { tenantId, labId, at: lab.endsAt.getTime() }, { delay: early });
      return 'rescheduled';
    }
    return (await this.revocations.endLab(scope, labId, 'schedule')) ? 'ended' : 'skipped';
  }
}
