import { Processor } from '@nestjs/bullmq';
import { AppConfig } from '@labkeys/config';
import { QueueName } from '@labkeys/queues';
import { JobDispatcher } from '../dispatch/job-dispatcher';
import { CatalogueProcessor } from './catalogue.processor';

// Stalled jobs (a worker killed mid-job) go back to waiting after this long.
const STALLED = { stalledInterval: 5000, maxStalledCount: 5 };

@Processor(QueueName.Issuance, STALLED)
export class IssuanceProcessor extends CatalogueProcessor {
  constructor(dispatcher: JobDispatcher, config: AppConfig) {
    super(dispatcher, QueueName.Issuance, config.workerConcurrency);
  }
}

@Processor(QueueName.Lifecycle, STALLED)
export class LifecycleProcessor extends CatalogueProcessor {
  constructor(dispatcher: JobDispatcher, config: AppConfig) {
    super(dispatcher, QueueName.Lifecycle, config.workerConcurrency);
  }
}

@Processor(QueueName.Labs, STALLED)
export class LabsProcessor extends CatalogueProcessor {
  constructor(dispatcher: JobDispatcher) {
    super(dispatcher, QueueName.Labs, 4);
  }
}

@Processor(QueueName.Maintenance, STALLED)
export class MaintenanceProcessor extends CatalogueProcessor {
  constructor(dispatcher: JobDispatcher) {
    super(dispatcher, QueueName.Maintenance, 1);
  }
}

@Processor(QueueName.Revocation, STALLED)
export class RevocationProcessor extends CatalogueProcessor {
  constructor(dispatcher: JobDispatcher) {
    // One job per role at a time by id; several roles (tenants) in parallel.
    super(dispatcher, QueueName.Revocation, 8);
  }
}

@Processor(QueueName.Mail, STALLED)
export class MailProcessor extends CatalogueProcessor {
  constructor(dispatcher: JobDispatcher) {
    super(dispatcher, QueueName.Mail, 4);
  }
}

/** One processor per queue of the catalogue. */
export const QUEUE_PROCESSORS = { [QueueName.Issuance]: IssuanceProcessor, [QueueName.Lifecycle]: LifecycleProcessor, [QueueName.Labs]: LabsProcessor, [QueueName.Maintenance]: MaintenanceProcessor, [QueueName.Revocation]: RevocationProcessor, [QueueName.Mail]: MailProcessor } satisfies Record<QueueName, unknown>;
