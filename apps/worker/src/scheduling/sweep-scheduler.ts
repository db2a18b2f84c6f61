import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@labkeys/config';
import { JOB_CATALOGUE, JobName, QueueName, SWEEP_SCHEDULER_ID } from '@labkeys/queues';

/**
 * Registers the repeating repair sweep. A job scheduler has one id, so any
 * number of workers upserting it leaves one schedule that runs once per tick.
 *
 * The schedule lives in Redis, so losing Redis' data loses it too. Each worker
 * therefore checks for it a few times per interval; when it is gone it is put
 * back and one sweep runs at once (its id is fixed per interval, so several
 * workers noticing together still run one).
 */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SweepScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  private get everyMs(): number {
    return this.config.sweepIntervalSeconds * 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    this.logger.log({ everyMs: this.everyMs }, 'repair sweep scheduled');
    this.timer = setInterval(() => void this.ensure(), Math.max(500, Math.floor(this.everyMs / 4)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private register(): Promise<unknown> {
    return this.queue.upsertJobScheduler(
      SWEEP_SCHEDULER_ID,
      { every: this.everyMs },
      { name: JobName.Sweep, data: {}, opts: JOB_CATALOGUE[JobName.Sweep].options },
    );
  }

  private async ensure(): Promise<void> {
    try {
      if (await this.queue.getJobScheduler(SWEEP_SCHEDULER_ID)) return;
      await this.register();
      const slot = Math.floor(Date.now() / this.everyMs);
      await this.queue.add(JobName.Sweep, {}, { ...JOB_CATALOGUE[JobName.Sweep].options, jobId: `sweep-recovery-${slot}` });
      this.logger.warn('repair sweep schedule was missing from Redis (data lost?); restored and sweeping now');
    } catch (error) {
      // Redis unreachable: the next check tries again.
      this.logger.warn({ err: (error as Error).message }, 'could not check the repair sweep schedule');
    }
  }
}
