import type { Request, Response } from 'express';
import { STREAM_ID, streamIdAfter, type DeliveredEvent, type PushChannel } from '@labkeys/push';
import type { PushHub } from './push-hub';

export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

const HEARTBEAT_MS = 15_000;

/**
 * A Server-Sent Events stream over one push channel. Live events are queued
 * from the moment of subscription, then missed ones are replayed from
 * Last-Event-ID, so nothing falls between replay and live delivery. `render`
 * turns a push event into what this reader may see (or nothing).
 */
export async function openSseStream(
  req: Request,
  res: Response,
  hub: PushHub,
  channel: PushChannel,
  render: (delivered: DeliveredEvent) => Promise<SseMessage[]>,
  initial: () => Promise<SseMessage[]>,
): Promise<void> {
  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('connection', 'keep-alive');
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  res.write('retry: 2000\n\n');

  let closed = false;
  let lastSent = '0-0';
  let chain = Promise.resolve();
  const write = (message: SseMessage) => {
    if (closed) return;
    const lines = [message.id ? `id: ${message.id}` : undefined, `event: ${message.event}`, `data: ${JSON.stringify(message.data)}`].filter(Boolean);
    res.write(`${lines.join('\n')}\n\n`);
  };
  const deliver = (delivered: DeliveredEvent) => {
    chain = chain
      .then(async () => {
        if (closed || !streamIdAfter(delivered.id, lastSent)) return;
        lastSent = delivered.id;
        for (const message of await render(delivered)) write({ id: delivered.id, ...message });
      })
      .catch(() => end());
  };

  // Live events wait here until the replay of missed ones has been queued, so order holds.
  let buffered: DeliveredEvent[] | null = [];
  const stopListening = await hub.listen(channel, (delivered) => (buffered ? buffered.push(delivered) : deliver(delivered)));
  const heartbeat = setInterval(() => !closed && res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    stopListening();
    untrack();
    res.end();
  };
  const untrack = hub.track(end);
  req.on('close', end);

  const lastEventId = req.headers['last-event-id'];
  if (typeof lastEventId === 'string' && STREAM_ID.test(lastEventId)) {
    lastSent = lastEventId;
    for (const delivered of await hub.replay(channel, lastEventId)) deliver(delivered);
  } else {
    chain = chain.then(async () => {
      for (const message of await initial()) write(message);
    });
  }
  const live = buffered;
  buffered = null;
  for (const delivered of live) deliver(delivered);
}
