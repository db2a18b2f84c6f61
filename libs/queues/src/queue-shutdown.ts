import type { BeforeApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';

/** How long shutdown waits for a queue that is still connecting (Redis may be down). */
export const QUEUE_CONNECT_WAIT_AT_MOST_MS = 2000;

/**
 * Lets every queue finish connecting before @nestjs/bullmq closes it (on application shutdown, which runs after
 * this). A BullMQ queue closed while its connection is still being set up drops its listeners first and then
 * emits the failed setup as an unhandled 'error' ("Connection is closed."), which takes the process down; a
 * process stopped just after it started hit that. Bounded, so a Redis that is down cannot hold shutdown.
 */
export class QueueShutdown implements BeforeApplicationShutdown {
  constructor(private readonly queues: Queue[]) {}

  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUEUE_CONNECT_WAIT_AT_MOST_MS)));
    await Promise.race([Promise.allSettled(this.queues.map((queue) => queue.waitUntilReady())), bound]);
    clearTimeout(timer);
  }
}
