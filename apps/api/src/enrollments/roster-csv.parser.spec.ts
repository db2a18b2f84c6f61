import { ValidationProblemException } from '../common/problem';
import { PayloadTooLargeException } from '@nestjs/common';
import { Readable } from 'node:stream';
import { MAX_CSV_BYTES } from './csv-upload';
import { MAX_CSV_LINES, parseRosterCsv, rosterCsvCounters } from './roster-csv.parser';

async function problemsOf(text: string) {
  try {
    await parseRosterCsv(text);
  } catch (error) {
    if (error instanceof ValidationProblemException) return error.errors;
    throw error;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseRosterCsv', () => {
  it('reads email and displayName, normalising emails, tolerating a BOM, CRLF, blank lines and extra columns', async () => {
    const text =
      '\uFEFFStudent ID,Email,DisplayName,Section\r\n17, Grace@Example.EDU ,Grace Hopper,A\r\n\r\n18,alan@example.edu,,B\r\n';
    expect(await parseRosterCsv(text)).toEqual([
      { email: 'grace@example.edu', displayName: 'Grace Hopper' },
      { email: 'alan@example.edu', displayName: undefined },
    ]);
  });

  it('accepts a file with only an email column and quoted values', async () => {
    expect(await parseRosterCsv('email\n"ada@example.edu"\n')).toEqual([
      { email: 'ada@example.edu', displayName: undefined },
    ]);
  });

  it('names each invalid row by data index and gives the file line', async () => {
    const problems = await problemsOf('email,displayName\nok@example.edu,A\nnot-an-email,B\n,C\n');
    expect(problems.map((p) => p.field)).toEqual(['rows[1].email', 'rows[2].email']);
    expect(problems[0].message).toMatch(/^line 3: /);
  });

  it('refuses duplicate emails naming the later row', async () => {
    const problems = await problemsOf('email\na@example.edu\nb@example.edu\nA@example.edu\n');
    expect(problems).toEqual([{ field: 'rows[2].email', message: 'email repeats rows[0].email' }]);
  });

  it.each([
    ['', /empty/],
    ['name,section\nGrace,A\n', /no "email" column/],
    ['email\n', /no student rows/],
    ['email\n"unterminated@example.edu\n', /not a valid CSV/],
  ])('names the file for file-level problems (%j)', async (text, message) => {
    const problems = await problemsOf(text);
    expect(problems).toEqual([{ field: 'file', message: expect.stringMatching(message) }]);
  });

  it('caps the rows per import and the problems reported', async () => {
    const tooMany = 'email\n' + Array.from({ length: 5001 }, (_, i) => `s${i}@example.edu`).join('\n');
    expect(await problemsOf(tooMany)).toEqual([{ field: 'file', message: expect.stringContaining('at most 5000') }]);
    const allBad = 'email\n' + Array.from({ length: 300 }, (_, i) => `bad${i}`).join('\n');
    expect(await problemsOf(allBad)).toHaveLength(100);
  });

  it('stops reading a file of newlines at the line limit instead of parsing it whole', async () => {
    const before = { ...rosterCsvCounters };
    const started = performance.now();
    expect(await problemsOf('\n'.repeat(MAX_CSV_BYTES))).toEqual([
      { field: 'file', message: expect.stringContaining(`more than ${MAX_CSV_LINES} lines`) },
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rosterCsvCounters.bytesRead - before.bytesRead).toBeLessThan(256 * 1024);
    expect(rosterCsvCounters.linesRead - before.linesRead).toBe(MAX_CSV_LINES + 1);
  });

  it('stops at the first record past the row limit', async () => {
    const before = rosterCsvCounters.recordsRead;
    const huge = 'email\n' + Array.from({ length: 50000 }, (_, i) => `s${i}@example.edu`).join('\n');
    expect(await problemsOf(huge)).toEqual([
      { field: 'file', message: expect.stringContaining('more than 5000 rows') },
    ]);
    expect(rosterCsvCounters.recordsRead - before).toBe(5002);
  });

  it('refuses a stream longer than the byte limit with 413, reading no further than one chunk past it', async () => {
    const before = rosterCsvCounters.bytesRead;
    const line = Buffer.from(`${'x'.repeat(1023)},`);
    // One 8 MB quoted field: no record and no line ends, so only the byte limit can stop it.
    const long = Readable.from(
      (function* () {
        yield Buffer.from('email\n"');
        for (let i = 0; i < 8192; i++) yield line;
      })(),
    );
    await expect(parseRosterCsv(long)).rejects.toBeInstanceOf(PayloadTooLargeException);
    expect(rosterCsvCounters.bytesRead - before).toBeLessThan(MAX_CSV_BYTES + 128 * 1024);
  });
});
