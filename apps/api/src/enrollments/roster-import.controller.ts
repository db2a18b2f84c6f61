import type { Readable } from 'node:stream';
import { Body, Controller, HttpCode, Post, UseInterceptors } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { ValidationProblemException } from '../common/problem';
import { UuidParam } from '../common/uuid-param';
import { CsvFileInterceptor } from './csv-file.interceptor';
import { CsvUpload, MAX_CSV_BYTES } from './csv-upload';
import { ImportStudentsDto, MAX_ROSTER_ROWS, RosterImportResultDto } from './dto/roster-import.dto';
import { EnrollmentsService } from './enrollments.service';
import { parseRosterCsv } from './roster-csv.parser';
import { duplicateEmailProblems } from './roster-rows';

const IMPORT_DESCRIPTION =
  'Idempotent by email within the tenant: creates missing students, enrolls those not enrolled (an unenrolled ' +
  'student is re-enrolled with a new link), leaves the rest. All or nothing. `accessLinks` lists only enrollments ' +
  'that received a new token in this request; raw tokens are never shown again. An email may appear once per import.';

const CSV_DESCRIPTION =
  `${IMPORT_DESCRIPTION}\n\nCSV: UTF-8 (a BOM is fine), comma-separated, CRLF or LF. The header row names an \`email\` ` +
  'column and optionally a `displayName` column (case-insensitive; `display_name` and `name` also work). Other columns ' +
  `are ignored and never stored. At most ${MAX_ROSTER_ROWS} rows and ${MAX_CSV_BYTES / 1024 / 1024} MB. Row problems are named ` +
  '`rows[i].email` (i counts data rows from 0); file-level problems are named `file`.';

@ApiTags('enrollments')
@ApiBearerAuth()
@ApiProblemResponses()
@ApiConflictResponse({ type: ProblemDto, description: 'The course is archived.' })
@Controller('v1/courses/:courseId/students')
export class RosterImportController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: RosterImportResultDto })
  @ApiOperation({
    summary: 'Import students into a course (JSON)',
    description: `${IMPORT_DESCRIPTION} Entries are named \`students[i].email\`.`,
  })
  async importJson(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @Body() body: ImportStudentsDto,
  ) {
    const duplicates = duplicateEmailProblems(body.students, 'students');
    if (duplicates.length) throw new ValidationProblemException(duplicates);
    const rows = body.students.map(({ email, displayName }) => ({ email, displayName }));
    return (await this.enrollments.importStudents(me.scope, courseId, rows, 'json')).result;
  }

  @Post('csv')
  @HttpCode(200)
  @ApiOkResponse({ type: RosterImportResultDto })
  @UseInterceptors(CsvFileInterceptor)
  @ApiOperation({
    summary: 'Import students into a course (CSV upload)',
    description: CSV_DESCRIPTION,
    requestBody: {
      required: true,
      description: 'The CSV itself (text/csv), or a form with the CSV in its `file` field (multipart/form-data).',
      content: {
        'text/csv': {
          schema: {
            type: 'string',
            example: 'email,displayName\r\ngrace@example.edu,Grace Hopper\r\nalan@example.edu,\r\n',
          },
        },
        'multipart/form-data': {
          schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
        },
      },
    },
  })
  @ApiPayloadTooLargeResponse({
    type: ProblemDto,
    description: `The file is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB.`,
  })
  @ApiUnsupportedMediaTypeResponse({ type: ProblemDto, description: 'Neither text/csv nor multipart/form-data.' })
  async importCsv(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @CsvUpload() csv: Readable | Buffer,
  ) {
    const rows = await parseRosterCsv(csv);
    return (await this.enrollments.importStudents(me.scope, courseId, rows, 'csv')).result;
  }
}
