import { request } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/** A minimal EventSource over node:http that keeps every event it receives. */
export class SseClient {
  readonly events: SseEvent[] = [];
  /** Set once the server ended the stream (or the connection dropped). */
  closed = false;
  private close?: () => void;
  private closeWaiters: (() => void)[] = [];
  private waiters: { predicate: (e: SseEvent[]) => boolean; resolve: () => void }[] = [];

  static open(url: string, token: string, lastEventId?: string): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'text/event-stream',
            ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
          },
        },
        (res) => {
          if (res.statusCode !== 200) {
            // The problem's detail says which store or check refused the stream.
            let problem = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              problem += chunk;
            });
            res.on('end', () => reject(new Error(`SSE ${url} answered ${res.statusCode}: ${problem.slice(0, 500)}`)));
            return;
          }
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let index: number;
            while ((index = buffer.indexOf('\n\n')) >= 0) {
              client.parse(buffer.slice(0, index));
              buffer = buffer.slice(index + 2);
            }
          });
          const ended = () => {
            if (client.closed) return;
            client.closed = true;
            for (const waiter of client.closeWaiters.splice(0)) waiter();
          };
          res.on('end', ended);
          res.on('close', ended);
          client.close = () => req.destroy();
          resolve(client);
        },
      );
      req.on('error', (error) => (client.close ? undefined : reject(error)));
      req.end();
    });
  }

  private parse(block: string): void {
    const event: Partial<SseEvent> & { dataLines: string[] } = { dataLines: [] };
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line.startsWith('retry:')) continue;
      if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('data: ')) event.dataLines.push(line.slice(6));
    }
    if (!event.event) return;
    this.events.push({ id: event.id, event: event.event, data: JSON.parse(event.dataLines.join('\n')) });
    this.waiters = this.waiters.filter((w) => (w.predicate(this.events) ? (w.resolve(), false) : true));
  }

  /** Resolves once the events received so far satisfy `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 30000): Promise<void> {
    if (predicate(this.events)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `SSE condition not met within ${timeoutMs} ms (stream ${this.closed ? 'closed by the server or the network' : 'still open'}); got ${this.events.length} events: ${this.events.map((e) => e.event).join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({ predicate, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Resolves once the server has ended the stream; rejects after `timeoutMs`. */
  waitClosed(timeoutMs = 30000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`SSE stream still open after ${timeoutMs} ms`)), timeoutMs);
      this.closeWaiters.push(() => (clearTimeout(timer), resolve()));
    });
  }

  stop(): void {
    this.close?.();
  }
}
