import type { Queue } from 'bullmq';
import { QUEUE_CONNECT_WAIT_AT_MOST_MS, QueueShutdown } from './queue-shutdown';

describe('QueueShutdown', () => {
  afterEach(() => jest.useRealTimers());

  const queueReadyWhen = (ready: Promise<unknown>) => ({ waitUntilReady: () => ready }) as unknown as Queue;

  it('waits until every queue has connected (or failed to) before the queues are closed', async () => {
    let connect!: () => void;
    const connecting = new Promise<void>((resolve) => (connect = resolve));
    const shutdown = new QueueShutdown([queueReadyWhen(connecting), queueReadyWhen(Promise.reject(new Error('down')))]);
    let done = false;
    const waiting = shutdown.beforeApplicationShutdown().then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(done).toBe(false);
    connect();
    await waiting;
    expect(done).toBe(true);
  });

  it('gives up waiting after a bound when Redis never answers', async () => {
    jest.useFakeTimers();
    const shutdown = new QueueShutdown([queueReadyWhen(new Promise(() => undefined))]);
    let done = false;
    const waiting = shutdown.beforeApplicationShutdown().then(() => (done = true));
    await jest.advanceTimersByTimeAsync(QUEUE_CONNECT_WAIT_AT_MOST_MS - 1);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(done).toBe(true);
  });
});
