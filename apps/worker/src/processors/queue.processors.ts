import { Processor } from '@nestjs/bullmq';
import type { Type } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { ALL_QUEUES, type QueueName } from '@labkeys/queues';
import { JobDispatcher } from '../dispatch/job-dispatcher';
import { CatalogueProcessor } from './catalogue.processor';

// Stalled jobs (a worker killed mid-job) go back to waiting after this long.
const STALLED = { stalledInterval: 5000, maxStalledCount: 5 };

/** The BullMQ worker of one catalogue queue, with the concurrency the config gives it. */
function processorOf(queue: QueueName): Type<CatalogueProcessor> {
  @Processor(queue, STALLED)
  class QueueProcessor extends CatalogueProcessor {
    constructor(dispatcher: JobDispatcher, config: AppConfig) {
      // `satisfies`: a queue added to the catalogue without a concurrency in the config does not compile.
      super(dispatcher, queue, (config.queueConcurrency satisfies Record<QueueName, number>)[queue]);
    }
  }
  // Named after its queue in logs and in Nest's errors: IssuanceProcessor, LifecycleProcessor, …
  Object.defineProperty(QueueProcessor, 'name', {
    value: `${queue.charAt(0).toUpperCase()}${queue.slice(1)}Processor`,
  });
  return QueueProcessor;
}

/** One processor per queue of the catalogue. */
export const QUEUE_PROCESSORS: readonly Type<CatalogueProcessor>[] = ALL_QUEUES.map(processorOf);
