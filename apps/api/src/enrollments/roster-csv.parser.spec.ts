import { ValidationProblemException } from '../common/problem';
import { parseRosterCsv } from './roster-csv.parser';

function problemsOf(text: string) {
  try {
    parseRosterCsv(text);
  } catch (error) {
    if (error instanceof ValidationProblemException) return error.errors;
    throw error;
  }
  throw new Error('expected the CSV to be refused');
}

describe('parseRosterCsv', () => {
  it('reads email and displayName, normalising emails, tolerating a BOM, CRLF, blank lines and extra columns', () => {
    const text = '\uFEFFStudent ID,Email,DisplayName,Section\r\n17, Grace@Example.EDU ,Grace Hopper,A\r\n\r\n18,alan@example.edu,,B\r\n';
    expect(parseRosterCsv(text)).toEqual([
      { email: 'grace@example.edu', displayName: 'Grace Hopper' },
      { email: 'alan@example.edu', displayName: undefined },
    ]);
  });

  it('accepts a file with only an email column and quoted values', () => {
    expect(parseRosterCsv('email\n"ada@example.edu"\n')).toEqual([{ email: 'ada@example.edu', displayName: undefined }]);
  });

  it('names each invalid row by data index and gives the file line', () => {
    const problems = problemsOf('email,displayName\nok@example.edu,A\nnot-an-email,B\n,C\n');
    expect(problems.map((p) => p.field)).toEqual(['rows[1].email', 'rows[2].email']);
    expect(problems[0].message).toMatch(/^line 3: /);
  });

  it('refuses duplicate emails naming the later row', () => {
    const problems = problemsOf('email\na@example.edu\nb@example.edu\nA@example.edu\n');
    expect(problems).toEqual([{ field: 'rows[2].email', message: 'email repeats rows[0].email' }]);
  });

  it.each([
    ['', /empty/],
    ['name,section\nGrace,A\n', /no "email" column/],
    ['email\n', /no student rows/],
    ['email\n"unterminated@example.edu\n', /not a valid CSV/],
  ])('names the file for file-level problems (%j)', (text, message) => {
    const problems = problemsOf(text);
    expect(problems).toEqual([{ field: 'file', message: expect.stringMatching(message) }]);
  });

  it('caps the rows per import and the problems reported', () => {
    const tooMany = 'email\n' + Array.from({ length: 5001 }, (_, i) => `s${i}@example.edu`).join('\n');
    expect(problemsOf(tooMany)).toEqual([{ field: 'file', message: expect.stringContaining('at most 5000') }]);
    const allBad = 'email\n' + Array.from({ length: 300 }, (_, i) => `bad${i}`).join('\n');
    expect(problemsOf(allBad)).toHaveLength(100);
  });
});
