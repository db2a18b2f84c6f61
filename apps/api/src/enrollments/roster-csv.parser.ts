import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parse } from 'csv-parse/sync';
import { flattenValidationErrors, ValidationProblemException, type FieldProblem } from '../common/problem';
import { MAX_ROSTER_ROWS, StudentRowDto } from './dto/roster-import.dto';
import { duplicateEmailProblems, type StudentRow } from './roster-rows';

/** A garbage file must not produce a megabyte of errors. */
const MAX_REPORTED_PROBLEMS = 100;
const EMAIL_HEADERS = new Set(['email', 'e-mail', 'emailaddress', 'email address']);
const NAME_HEADERS = new Set(['displayname', 'display name', 'display_name', 'name']);

const fileProblem = (message: string) => new ValidationProblemException([{ field: 'file', message }], 'The CSV file cannot be imported.');

/**
 * Parses a roster CSV: a header row naming an `email` column and optionally a `displayName` column
 * (case-insensitive). Other columns are ignored, so an export from a learning platform imports as is
 * and its extra personal data is never stored. Row problems are named `rows[i].field`, i counting data
 * rows from 0; each message gives the file's line number too. All-or-nothing: any problem refuses the whole file.
 */
export function parseRosterCsv(text: string): StudentRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse returns { record, info } per row; its typings do not follow that option.
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (error) {
    throw fileProblem(`not a valid CSV file: ${(error as Error).message}`);
  }
  const [header, ...data] = records;
  if (!header) throw fileProblem('the file is empty; expected a header row such as "email,displayName"');
  const columns = header.record.map((name) => name.toLowerCase());
  const emailAt = columns.findIndex((name) => EMAIL_HEADERS.has(name));
  const nameAt = columns.findIndex((name) => NAME_HEADERS.has(name));
  if (emailAt < 0) throw fileProblem('the header row has no "email" column');
  if (data.length === 0) throw fileProblem('the file has no student rows');
  if (data.length > MAX_ROSTER_ROWS) throw fileProblem(`the file has ${data.length} rows; at most ${MAX_ROSTER_ROWS} per import`);

  const rows: StudentRow[] = [];
  const problems: FieldProblem[] = [];
  data.forEach(({ record, info }, index) => {
    const displayName = nameAt >= 0 && record[nameAt] ? record[nameAt] : undefined;
    const row = plainToInstance(StudentRowDto, { email: record[emailAt] ?? '', displayName });
    const errors = validateSync(row, { whitelist: true, forbidNonWhitelisted: true });
    for (const problem of flattenValidationErrors(errors, `rows[${index}]`)) problems.push({ field: problem.field, message: `line ${info.lines}: ${problem.message}` });
    rows.push({ email: row.email, displayName: row.displayName });
  });
  if (!problems.length) problems.push(...duplicateEmailProblems(rows, 'rows'));
  if (problems.length) {
    const shown = problems.slice(0, MAX_REPORTED_PROBLEMS);
    const more = problems.length - shown.length;
    throw new ValidationProblemException(shown, `The CSV file has ${problems.length} invalid field(s)${more ? `; the first ${shown.length} are listed` : ''}. Nothing was imported.`);
  }
  return rows;
}
