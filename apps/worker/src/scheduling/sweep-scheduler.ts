import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@labkeys/config';
import { JOB_CATALOGUE, JobName, QueueName, SWEEP_SCHEDULER_ID } from '@labkeys/queues';

/**
 * Registers the repeating repair sweep. A job scheduler has one id, so any
 * number of workers upserting it leaves one schedule that runs once per tick.
 */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(SweepScheduler.name);

  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.sweepIntervalSeconds * 1000;
    await this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every },
      { name: JobName.Sweep, data: {}, opts: JOB_CATALOGUE[JobName.Sweep].options },
    );
    this.logger.log({ everyMs: every }, 'repair sweep scheduled');
  }
}
