import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@labkeys/database';
import { JobName } from '@labkeys/queues';
import { HandlesJob, type JobHandler } from '../dispatch/job-handler';

export interface SweepResult {
  expired: number;
}

/**
 * Repair sweep. Postgres is the truth and Redis only runs jobs, so the sweep
 * re-derives from the database whatever a lost or late job should have done.
 */
@Injectable()
@HandlesJob(JobName.Sweep)
export class SweepHandler implements JobHandler<JobName.Sweep> {
  private readonly logger = new Logger(SweepHandler.name);

  constructor(private readonly prisma: PrismaService) {}

  async handle(): Promise<SweepResult> {
    const now = new Date();
    // Conditional on state: a session that an expiry job already ended is untouched.
    const { count } = await this.prisma.labSession.updateMany({
      where: { state: 'ACTIVE', expiresAt: { lte: now } },
      data: { state: 'EXPIRED', sealedSecret: null, sealKeyId: null, endedAt: now },
    });
    if (count > 0) this.logger.log({ expired: count }, 'sweep expired overdue sessions');
    return { expired: count };
  }
}
