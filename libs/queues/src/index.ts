export * from './job-catalogue';
export { redisOptionsFromUrl, workerRedisOptions, producerRedisOptions } from './redis-connection';
export { JobProducer, type AddOptions } from './job-producer';
export { QueuesModule } from './queues.module';
