import { Writable } from 'node:stream';
import pino from 'pino';
import { baseLoggerOptions } from './logger-options';
import { scrubSecrets } from './redaction';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino(baseLoggerOptions('info', 'test'), stream) };
}

describe('log redaction', () => {
  const token = 'lk_' + 'A'.repeat(43);

  it('scrubs LabKeys tokens, bearer values and secret query parameters from text', () => {
    const text = scrubSecrets(`Bearer abc.def ${token} /v1/me?token=lks_${'b'.repeat(43)}&x=1`);
    expect(text).not.toContain('abc.def');
    expect(text).not.toContain('A'.repeat(43));
    expect(text).not.toContain('b'.repeat(43));
    expect(text).toContain('x=1');
  });

  it('redacts secret fields at any depth one below the root and in messages', () => {
    const { lines, logger } = capture();
    logger.info(
      { session: { secretAccessKey: 'wJalrXUtnFEMI/K7MDENG', sessionToken: 'FwoGZXIvYXdzE' } },
      `issued with ${token}`,
    );
    const line = lines.join('');
    expect(line).not.toContain('wJalrXUtnFEMI');
    expect(line).not.toContain('FwoGZXIvYXdzE');
    expect(line).not.toContain('A'.repeat(43));
    expect(JSON.parse(line).session.secretAccessKey).toBe('[redacted]');
  });
});
