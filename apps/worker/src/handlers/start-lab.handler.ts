import { Injectable } from '@nestjs/common';
import { LabSessionsService } from '@labkeys/core';
import { PrismaService } from '@labkeys/database';
import { JobName, type LabRef } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

/** A lab's automatic start at its start time (delayed job; the sweep catches a lost one). */
@Injectable()
@HandlesJob(JobName.StartLab)
export class StartLabHandler implements JobHandler<JobName.StartLab> {
  constructor(
    private readonly prisma: PrismaService,
    private readonly labs: LabSessionsService,
  ) {}

  async handle({ tenantId, labId }: LabRef): Promise<'started' | 'rescheduled' | 'skipped'> {
    const lab = await this.prisma.lab.findFirst({ where: { tenantId, id: labId }, select: { state: true, startsAt: true } });
    if (!lab || lab.state !== 'SCHEDULED' || !lab.startsAt) return 'skipped';
    // The start time was moved later after this job was queued; the job for the new time does the start.
    if (lab.startsAt.getTime() > Date.now() + 1000) return 'rescheduled';
    await this.labs.startLab(tenantId, labId, 'schedule');
    return 'started';
  }
}
