import { Agent, request } from 'node:http';

/**
 * One student's event stream, raw node:http as test/support/sse-client.ts, keeping only
 * what the bench measures: when the first event of a given type arrived.
 */
export class TimedStream {
  readonly firstAt = new Map<string, number>();
  private stopFn?: () => void;

  static open(agent: Agent, url: string, token: string): Promise<TimedStream> {
    const stream = new TimedStream();
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`SSE ${url} answered ${res.statusCode}`));
            return;
          }
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const now = performance.now();
            buffer += chunk;
            let index: number;
            while ((index = buffer.indexOf('\n\n')) >= 0) {
              const match = /^event: (.+)$/m.exec(buffer.slice(0, index));
              if (match && !stream.firstAt.has(match[1])) stream.firstAt.set(match[1], now);
              buffer = buffer.slice(index + 2);
            }
          });
          res.on('error', () => undefined);
          stream.stopFn = () => req.destroy();
          resolve(stream);
        },
      );
      req.on('error', (error) => (stream.stopFn ? undefined : reject(error)));
      req.end();
    });
  }

  stop(): void {
    this.stopFn?.();
  }
}
