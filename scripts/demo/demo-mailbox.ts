import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * The demo's local SMTP server: every message LabKeys sends is kept as an .eml file in `dir`, so a newcomer can
 * read the access-link emails without a mail account. Loopback only, no authentication, never for production.
 */
export function startDemoMailbox(port: number, dir: string): Promise<SMTPServer> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo
          .map((r) => r.address)
          .join(',')
          .replace(/[^\w.@+-]/g, '_');
        writeFileSync(
          join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${++count}-${to}.eml`),
          Buffer.concat(chunks),
          { mode: 0o600 },
        );
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
