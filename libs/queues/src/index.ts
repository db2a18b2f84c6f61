export * from './job-catalogue';
export { redisOptionsFromUrl, workerRedisOptions, producerRedisOptions } from './redis-connection';
