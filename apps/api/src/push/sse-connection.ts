import { HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { problemType, statusTitle } from '../common/problem';

export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

/** What a stream's owner may do with it besides returning messages from `render`. */
export interface SseStream {
  readonly closed: boolean;
  send(message: SseMessage): void;
  /** Runs `cleanup` when the stream ends (at once when it already has). */
  onClose(cleanup: () => void): void;
}

const logger = new Logger('SseStream');

/**
 * The response side of one SSE stream: it ends exactly once, whoever ends it
 * (client gone, failure, slow client, shutdown), and runs every cleanup
 * registered so far or later. A client whose unsent bytes pass the bound is
 * dropped: its socket is destroyed, so the buffered bytes are freed at once.
 */
export class SseConnection implements SseStream {
  private readonly cleanups: (() => void)[] = [];
  private ended = false;

  constructor(
    private readonly res: Response,
    private readonly maxBufferedBytes: number,
  ) {
    // Registered before anything is awaited: a client leaving during setup still releases what setup took.
    res.on('close', () => this.end());
    // The client may have left before this handler ran (while the guards awaited): no 'close' will come.
    if (!res.socket || res.socket.destroyed) this.ended = true;
  }

  get closed(): boolean {
    return this.ended;
  }

  onClose(cleanup: () => void): void {
    if (this.ended) cleanup();
    else this.cleanups.push(cleanup);
  }

  start(): void {
    const res = this.res;
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('connection', 'keep-alive');
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    this.write('retry: 2000\n\n');
  }

  send(message: SseMessage): void {
    const lines = [
      message.id ? `id: ${message.id}` : undefined,
      `event: ${message.event}`,
      `data: ${JSON.stringify(message.data)}`,
    ].filter(Boolean);
    this.write(`${lines.join('\n')}\n\n`);
  }

  heartbeat(): void {
    this.write(': keep-alive\n\n');
  }

  /** Ends the stream with an `error` event: problem-like data, never the error's own message unless it is an HTTP one we wrote. */
  fail(error: unknown): void {
    if (this.ended) return;
    const http = error instanceof HttpException ? error : undefined;
    const status = http?.getStatus() ?? 503;
    const body = http?.getResponse();
    const detail =
      typeof body === 'object' && body !== null && typeof (body as { detail?: unknown }).detail === 'string'
        ? (body as { detail: string }).detail
        : http
          ? http.message
          : 'The stream was interrupted; reconnect to resume.';
    if (!http) logger.warn({ err: (error as Error)?.message }, 'stream ended by a failure');
    this.send({
      event: 'error',
      data: {
        type: problemType(statusTitle(status).toLowerCase().replace(/\s+/g, '-')),
        title: statusTitle(status),
        status,
        detail,
      },
    });
    this.end();
  }

  /**
   * Ends the stream for a shutdown, telling the client when to come back (`retry:`): spread over a few seconds, so
   * the clients of a replica going down do not all reconnect to the others in the same instant.
   */
  endForShutdown(): void {
    this.write(`retry: ${1000 + Math.floor(Math.random() * 4000)}\n\n`);
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch (error) {
        logger.warn({ err: (error as Error).message }, 'stream cleanup failed');
      }
    }
    if (this.res.headersSent && !this.res.writableEnded) this.res.end();
  }

  private write(chunk: string): void {
    if (this.ended) return;
    this.res.write(chunk);
    if (this.res.writableLength > this.maxBufferedBytes) {
      logger.warn({ bufferedBytes: this.res.writableLength }, 'dropping a stream whose client stopped reading');
      this.end();
      this.res.destroy();
    }
  }
}
