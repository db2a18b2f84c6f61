import type { DatabaseHealth, OperationsRepository } from '@labkeys/database';
import type { JobProducer } from '@labkeys/queues';
import { metricsRegistry } from './labkeys-metrics';
import { SystemMetricsSources } from './system-metrics.sources';

describe('SystemMetricsSources', () => {
  it("registers the scrape-time sources without starting Node's process metrics", () => {
    // Process metrics start an event loop monitor that cannot be stopped; only a process's main.ts may start them,
    // or every application built and closed in-process would stay in memory.
    const sources = new SystemMetricsSources({} as OperationsRepository, {} as DatabaseHealth, {} as JobProducer);
    sources.onModuleInit();
    expect(metricsRegistry.getSingleMetric('nodejs_eventloop_lag_seconds')).toBeUndefined();
    expect(metricsRegistry.getSingleMetric('process_cpu_user_seconds_total')).toBeUndefined();
  });
});
