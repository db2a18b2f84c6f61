export * from './job-catalogue';
export { redisOptionsFromUrl, workerRedisOptions, producerRedisOptions } from './redis-connection';
export { JobProducer, type AddOptions } from './job-producer';
export { QueuesModule } from './queues.module';
export { JOB_CORRELATION, requestIdOf, type JobCorrelation } from './job-correlation';
