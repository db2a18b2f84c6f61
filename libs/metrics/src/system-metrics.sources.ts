import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DatabaseHealth, OperationsRepository } from '@labkeys/database';
import { ALL_QUEUES, JobProducer } from '@labkeys/queues';
import { cachedReading, setMetricSource } from './labkeys-metrics';

/** Sessions and revocations are counted over all tenants: at most once per this period per process. */
export const POSTGRES_READ_EVERY_MS = 15_000;
/** Queue counts are a few Redis commands: at most once per this period per process. */
export const QUEUE_READ_EVERY_MS = 2_000;

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * The scrape-time figures both the api and the worker publish: sessions, revocations, queues, pool. Process metrics
 * are started by each process's entry point (`enableProcessMetrics`).
 */
@Injectable()
export class SystemMetricsSources implements OnModuleInit {
  constructor(
    private readonly operations: OperationsRepository,
    private readonly database: DatabaseHealth,
    private readonly producer: JobProducer,
  ) {}

  onModuleInit(): void {
    setMetricSource(
      'sessionsByState',
      cachedReading(POSTGRES_READ_EVERY_MS, () => this.operations.systemCountSessionsByState()),
    );
    setMetricSource(
      'revocationsPending',
      cachedReading(POSTGRES_READ_EVERY_MS, () => this.operations.systemCountPendingRevocations()),
    );
    setMetricSource(
      'queueJobs',
      cachedReading(QUEUE_READ_EVERY_MS, () => this.queueCounts()),
    );
    setMetricSource('databasePool', () => this.database.poolStats());
  }

  private async queueCounts(): Promise<Record<string, Record<string, number>>> {
    const entries = await Promise.all(
      ALL_QUEUES.map(async (name) => [name, await this.producer.queue(name).getJobCounts(...JOB_STATES)] as const),
    );
    return Object.fromEntries(entries);
  }
}
