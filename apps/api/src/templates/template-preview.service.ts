import { randomUUID } from 'node:crypto';
import { Injectable, NotFoundException } from '@nestjs/common';
import {
  ConnectionRepository,
  CourseRepository,
  LabRepository,
  StudentRepository,
  type TenantScope,
} from '@labkeys/database';
import { buildAssumeRoleInput, TemplateRenderError, type SessionTagInput } from '@labkeys/templates';
import { ValidationProblemException } from '../common/problem';
import type { PreviewTemplateDto } from './dto/template.dto';
import { TemplatesService } from './templates.service';

const SAMPLE_HANDLE = 's-sample0000';
const SAMPLE_COURSE = { id: '00000000-0000-4000-8000-000000000000', code: 'SAMPLE101' };
const SAMPLE_LAB_ID = '00000000-0000-4000-8000-000000000001';

/**
 * Renders a template for one student exactly as issuance will (same builder), so instructors see the
 * AssumeRole request before a lab starts. It holds parameters only; no AWS call is made, no credential exists.
 */
@Injectable()
export class TemplatePreviewService {
  constructor(
    private readonly templates: TemplatesService,
    private readonly labs: LabRepository,
    private readonly connections: ConnectionRepository,
    private readonly courses: CourseRepository,
    private readonly students: StudentRepository,
  ) {}

  async preview(scope: TenantScope, id: string, input: PreviewTemplateDto) {
    const { tenantId } = scope;
    const template = await this.templates.find(scope, id);
    const connection = await this.connections.findById(scope, template.connectionId);
    // A foreign key keeps a template's connection; this answers as a vanished row always has (404).
    if (!connection) throw new NotFoundException({ detail: 'The resource does not exist.' });
    const lab = input.labId ? await this.labs.find(scope, input.labId) : null;
    if (input.labId && !lab) throw unknown('labId', 'No lab with this id');
    const courseId = input.courseId ?? lab?.courseId;
    const course = courseId ? await this.courses.findById(scope, courseId) : null;
    if (input.courseId && !course) throw unknown('courseId', 'No course with this id');
    const student = input.studentId ? await this.students.findById(scope, input.studentId) : null;
    if (input.studentId && !student) throw unknown('studentId', 'No student with this id');

    try {
      const assumeRole = buildAssumeRoleInput(
        { ...template, sessionTags: template.sessionTags as unknown as SessionTagInput[] },
        {
          tenantId,
          labId: lab?.id ?? SAMPLE_LAB_ID,
          sessionId: randomUUID(),
          studentHandle: student?.handle ?? SAMPLE_HANDLE,
          courseId: course?.id ?? SAMPLE_COURSE.id,
          courseCode: course?.code ?? SAMPLE_COURSE.code,
          region: connection.region,
          accountId: connection.accountId,
          partition: connection.partition,
          externalId: connection.externalId,
          durationSeconds: lab?.sessionDurationSeconds ?? template.durationSeconds,
        },
      );
      return {
        assumeRole,
        policyLength: assumeRole.Policy?.length ?? null,
        sample: { student: !student, course: !course, lab: !lab },
      };
    } catch (error) {
      // A stored value a placeholder cannot carry (e.g. a course code with characters tags refuse).
      if (error instanceof TemplateRenderError)
        throw new ValidationProblemException([{ field: fieldOf(error.message), message: error.message }]);
      throw error;
    }
  }
}

function unknown(field: string, message: string): ValidationProblemException {
  return new ValidationProblemException([{ field, message }]);
}

function fieldOf(message: string): string {
  if (message.includes('{{course.')) return 'courseId';
  if (message.includes('{{student.') || message.includes('SourceIdentity') || message.includes('RoleSessionName'))
    return 'studentId';
  if (message.includes('{{lab.')) return 'labId';
  return 'template';
}
