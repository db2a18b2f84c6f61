import { Injectable } from '@nestjs/common';
import { LabSessionsService } from '@labkeys/core';
import { LabRepository, tenantScopeOf } from '@labkeys/database';
import { JobName, type LabRef } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

/** A lab's automatic start at its start time (delayed job; the sweep catches a lost one). */
@Injectable()
@HandlesJob(JobName.StartLab)
export class StartLabHandler implements JobHandler<JobName.StartLab> {
  constructor(
    private readonly labRows: LabRepository,
    private readonly labs: LabSessionsService,
  ) {}

  async handle({ tenantId, labId }: LabRef): Promise<'started' | 'rescheduled' | 'skipped' | 'refused'> {
    const scope = tenantScopeOf(tenantId);
    const lab = await this.labRows.find(scope, labId);
    if (!lab || lab.state !== 'SCHEDULED' || !lab.startsAt) return 'skipped';
    // The start time was moved later after this job was queued; the job for the new time does the start.
    if (lab.startsAt.getTime() > Date.now() + 1000) return 'rescheduled';
    // Refused (the connection failed its last verify) is recorded and final for this job: a retry would only
    // be refused again; the sweep starts the lab once the connection verifies.
    const result = await this.labs.startLab(scope, labId, 'schedule');
    return result.state === 'SCHEDULED' ? 'refused' : 'started';
  }
}
