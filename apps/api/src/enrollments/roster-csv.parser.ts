import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse } from 'csv-parse';
import { Readable, Transform } from 'node:stream';
import { flattenValidationErrors, ValidationProblemException, type FieldProblem } from '../common/problem';
import { csvTooLarge, MAX_CSV_BYTES } from './csv-upload';
import { MAX_ROSTER_ROWS, StudentRowDto } from './dto/roster-import.dto';
import { duplicateEmailProblems, type StudentRow } from './roster-rows';

/** A garbage file must not produce a megabyte of errors. */
const MAX_REPORTED_PROBLEMS = 100;
/** Blank lines are fine, but a roster has at most one per row: a file of newlines is not read to its end. */
export const MAX_CSV_LINES = 2 * (MAX_ROSTER_ROWS + 1);
const SLICE_BYTES = 64 * 1024;
const EMAIL_HEADERS = new Set(['email', 'e-mail', 'emailaddress', 'email address']);
const NAME_HEADERS = new Set(['displayname', 'display name', 'display_name', 'name']);

/** Totals over every parse since start (tests read their difference to see how far a parse went). */
export const rosterCsvCounters = { bytesRead: 0, linesRead: 0, recordsRead: 0 };

const fileProblem = (message: string) =>
  new ValidationProblemException([{ field: 'file', message }], 'The CSV file cannot be imported.');

type CsvRecord = { record: string[]; info: { lines: number } };

/**
 * Parses a roster CSV: a header row naming an `email` column and optionally a `displayName` column
 * (case-insensitive). Other columns are ignored, so an export from a learning platform imports as is
 * and its extra personal data is never stored. Row problems are named `rows[i].field`, i counting data
 * rows from 0; each message gives the file's line number too. All-or-nothing: any problem refuses the whole file.
 * The source is read as a stream and parsing stops at the first record past MAX_ROSTER_ROWS, the first line
 * past MAX_CSV_LINES or the first byte past MAX_CSV_BYTES, so no input makes it read or hold more.
 */
export async function parseRosterCsv(source: string | Buffer | Readable): Promise<StudentRow[]> {
  const { records, lines } = await readRecords(source);
  if (lines > MAX_CSV_LINES)
    throw fileProblem(`the file has more than ${MAX_CSV_LINES} lines; at most ${MAX_ROSTER_ROWS} rows per import`);
  const [header, ...data] = records;
  if (!header) throw fileProblem('the file is empty; expected a header row such as "email,displayName"');
  const columns = header.record.map((name) => name.toLowerCase());
  const emailAt = columns.findIndex((name) => EMAIL_HEADERS.has(name));
  const nameAt = columns.findIndex((name) => NAME_HEADERS.has(name));
  if (emailAt < 0) throw fileProblem('the header row has no "email" column');
  if (data.length === 0) throw fileProblem('the file has no student rows');
  if (data.length > MAX_ROSTER_ROWS)
    throw fileProblem(`the file has more than ${MAX_ROSTER_ROWS} rows; at most ${MAX_ROSTER_ROWS} per import`);

  const rows: StudentRow[] = [];
  const problems: FieldProblem[] = [];
  data.forEach(({ record, info }, index) => {
    const displayName = nameAt >= 0 && record[nameAt] ? record[nameAt] : undefined;
    const row = plainToInstance(StudentRowDto, { email: record[emailAt] ?? '', displayName });
    const errors = validateSync(row, { whitelist: true, forbidNonWhitelisted: true });
    for (const problem of flattenValidationErrors(errors, `rows[${index}]`))
      problems.push({ field: problem.field, message: `line ${info.lines}: ${problem.message}` });
    rows.push({ email: row.email, displayName: row.displayName });
  });
  if (!problems.length) problems.push(...duplicateEmailProblems(rows, 'rows'));
  if (problems.length) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
    const more = problems.length - shown.length;
    throw new ValidationProblemException(
      shown,
      `The CSV file has ${problems.length} invalid field(s)${more ? `; the first ${shown.length} are listed` : ''}. Nothing was imported.`,
    );
  }
  return rows;
}

/** Header plus at most MAX_ROSTER_ROWS + 1 data records; `lines` is past MAX_CSV_LINES when it stopped there. */
async function readRecords(source: string | Buffer | Readable): Promise<{ records: CsvRecord[]; lines: number }> {
  const input =
    typeof source === 'string' || Buffer.isBuffer(source) ? Readable.from(slices(Buffer.from(source))) : source;
  const limit = byteLimit(MAX_CSV_BYTES);
  // `to` and `to_line` make csv-parse stop and end its output there; empty lines are skipped without records.
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    to: MAX_ROSTER_ROWS + 2,
    to_line: MAX_CSV_LINES,
  });
  // pipe() does not forward errors; without these a failed source would leave the loop below waiting.
  input.once('error', (error) => parser.destroy(error));
  limit.once('error', (error) => parser.destroy(error));
  input.pipe(limit).pipe(parser);
  const records: CsvRecord[] = [];
  try {
    for await (const record of parser) records.push(record as CsvRecord);
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('CSV_'))
      throw fileProblem(`not a valid CSV file: ${error.message}`);
    throw error;
  } finally {
    input.unpipe(limit);
    limit.unpipe(parser);
    // The request stream itself is drained, unparsed, so the answer can be sent on a healthy connection.
    if (input === source) input.resume();
    else input.destroy();
    rosterCsvCounters.linesRead += parser.info.lines;
    rosterCsvCounters.recordsRead += records.length;
  }
  return { records, lines: parser.info.lines };
}

function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      rosterCsvCounters.bytesRead += chunk.length;
      done(seen > max ? csvTooLarge() : null, chunk);
    },
  });
}

function* slices(buffer: Buffer): Generator<Buffer> {
  for (let at = 0; at < buffer.length; at += SLICE_BYTES) yield buffer.subarray(at, at + SLICE_BYTES);
}
