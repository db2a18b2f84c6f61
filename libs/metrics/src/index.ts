export * from './labkeys-metrics';
export { headerCarriesSecret, presentedSecret } from './secret-header';
export { SystemMetricsSources, POSTGRES_READ_EVERY_MS, QUEUE_READ_EVERY_MS } from './system-metrics.sources';
