import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { JobName, JobProducer } from '@labkeys/queues';

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
    private readonly producer: JobProducer,
    private readonly config: AppConfig,
  ) {}

  private get everyMs(): number {
    return this.config.sweepIntervalSeconds * 1000;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.producer.schedule(JobName.Sweep, {}, this.everyMs);
    this.logger.log({ everyMs: this.everyMs }, 'repair sweep scheduled');
    this.timer = setInterval(() => void this.ensure(), Math.max(500, Math.floor(this.everyMs / 4)));
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async ensure(): Promise<void> {
    try {
      if (!(await this.producer.ensureScheduled(JobName.Sweep, {}, this.everyMs))) return;
      await this.producer.add(JobName.Sweep, { recoverySlot: Math.floor(Date.now() / this.everyMs) });
      this.logger.warn('repair sweep schedule was missing from Redis (data lost?); restored and sweeping now');
    } catch (error) {
      // Redis unreachable: the next check tries again.
      this.logger.warn({ err: (error as Error).message }, 'could not check the repair sweep schedule');
    }
  }
}
