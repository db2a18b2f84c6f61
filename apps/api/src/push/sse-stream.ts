import { HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STREAM_ID, streamIdAfter, type DeliveredEvent, type PushChannel } from '@labkeys/push';
import type { PushHub } from './push-hub';
import { SseConnection, type SseMessage, type SseStream } from './sse-connection';

export type { SseMessage, SseStream } from './sse-connection';

const HEARTBEAT_MS = 15_000;

export interface SseStreamOptions {
  channel: PushChannel;
  /** The token this stream counts against (at most SSE_MAX_STREAMS_PER_TOKEN open at once). */
  owner: string;
  /**
   * Checks before the stream starts (the lab exists…). An HTTP error thrown
   * here (404, 403) is answered as problem+json; any other failure (Postgres
   * away) becomes the stream's `error` event, so EventSource clients retry.
   */
  prepare?: () => Promise<unknown>;
  /**
   * Turns a push event into what this reader may see (or nothing). Contract:
   * an error thrown from `render` ends this stream cleanly with an `error`
   * event (an HttpException's status and detail are shown; anything else is
   * a generic 503) and never reaches the process — this is how a stream ends
   * itself, e.g. once its token is no longer valid.
   */
  render: (delivered: DeliveredEvent, stream: SseStream) => Promise<SseMessage[]>;
  /** What a new (not resuming) reader gets first. Errors end the stream as in `render`. */
  initial: (stream: SseStream) => Promise<SseMessage[]>;
  /** What every reader gets once live, new or resuming (after `initial` or the replay); errors as in `render`. */
  afterStart?: (stream: SseStream) => Promise<SseMessage[]>;
  /** Where to resume when the request has no Last-Event-ID header (a client that cannot set it). */
  resumeFrom?: string;
}

/**
 * A Server-Sent Events stream over one push channel. Live events are queued
 * from the moment of subscription, then missed ones are replayed from
 * Last-Event-ID, so nothing falls between replay and live delivery. No
 * failure of setup or delivery escapes: before the headers it is an HTTP
 * answer, after them an `error` event that ends this stream alone. Whatever
 * setup took (slot, listener, heartbeat) is released when the stream ends,
 * even when the client leaves while setup is still awaiting.
 */
export async function openSseStream(
  req: Request,
  res: Response,
  hub: PushHub,
  options: SseStreamOptions,
): Promise<void> {
  const stream = new SseConnection(res, hub.maxBufferedBytes);
  stream.onClose(hub.track(() => stream.endForShutdown()));

  try {
    await options.prepare?.();
  } catch (error) {
    if (isHttpRefusal(error)) {
      stream.end();
      throw error;
    }
    if (stream.closed) return;
    stream.start();
    return stream.fail(error);
  }
  if (stream.closed) return;
  const slot = await hub.slots.acquire(options.owner);
  if (!slot) {
    stream.end();
    throw new HttpException(
      { detail: `At most ${hub.maxStreamsPerToken} streams may be open per token; close one first.` },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
  stream.onClose(() => slot.release());
  if (stream.closed) return;
  stream.start();

  try {
    await relay(req, stream, hub, options, () => slot.refresh());
  } catch (error) {
    stream.fail(error);
  }
}

async function relay(
  req: Request,
  stream: SseConnection,
  hub: PushHub,
  options: SseStreamOptions,
  refreshSlot: () => void,
): Promise<void> {
  let lastSent = '0-0';
  let chain = Promise.resolve();
  // Every step of delivery runs on one chain whose failure ends the stream; nothing is left rejected.
  const enqueue = (step: () => Promise<void>) => {
    chain = chain.then(() => (stream.closed ? undefined : step())).catch((error) => stream.fail(error));
  };
  const deliver = (delivered: DeliveredEvent) =>
    enqueue(async () => {
      if (!streamIdAfter(delivered.id, lastSent)) return;
      lastSent = delivered.id;
      for (const message of await options.render(delivered, stream)) stream.send({ id: delivered.id, ...message });
    });

  // Live events wait here until the replay of missed ones has been queued, so order holds.
  let buffered: DeliveredEvent[] | null = [];
  const stopListening = await hub.listen(options.channel, (delivered) =>
    buffered ? buffered.push(delivered) : deliver(delivered),
  );
  stream.onClose(stopListening);
  if (stream.closed) return;
  const heartbeat = setInterval(() => {
    stream.heartbeat();
    refreshSlot();
  }, HEARTBEAT_MS);
  stream.onClose(() => clearInterval(heartbeat));

  const lastEventId = req.headers['last-event-id'] ?? options.resumeFrom;
  if (typeof lastEventId === 'string' && STREAM_ID.test(lastEventId)) {
    lastSent = lastEventId;
    // A failed replay throws out of here and ends the stream: it must not go on buffering live events.
    for (const delivered of await hub.replay(options.channel, lastEventId)) deliver(delivered);
  } else {
    enqueue(async () => {
      for (const message of await options.initial(stream)) stream.send(message);
    });
  }
  const { afterStart } = options;
  if (afterStart)
    enqueue(async () => {
      for (const message of await afterStart(stream)) stream.send(message);
    });
  const live = buffered;
  buffered = null;
  for (const delivered of live) deliver(delivered);
}

function isHttpRefusal(error: unknown): boolean {
  return error instanceof HttpException && error.getStatus() < 500;
}
