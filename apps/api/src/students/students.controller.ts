import { Body, Controller, Delete, Get, HttpCode, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import {
  ListStudentsQueryDto,
  StudentDetailDto,
  StudentDto,
  StudentPageDto,
  UpdateStudentDto,
} from './dto/student.dto';
import { StudentsService } from './students.service';

@ApiTags('students')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/students')
export class StudentsController {
  constructor(private readonly students: StudentsService) {}

  @Get()
  @ApiOperation({ summary: 'List students', description: 'Students are created by importing a roster into a course.' })
  @ApiOkResponse({ type: StudentPageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: ListStudentsQueryDto) {
    return this.students.list(me.scope, query);
  }

  @Get(':studentId')
  @ApiOkResponse({ type: StudentDetailDto, description: 'The student with every enrollment, current or ended.' })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('studentId') id: string) {
    return this.students.get(me.scope, id);
  }

  @Patch(':studentId')
  @ApiOkResponse({ type: StudentDto })
  update(@CurrentInstructor() me: InstructorActor, @UuidParam('studentId') id: string, @Body() body: UpdateStudentDto) {
    return this.students.update(me.scope, id, body.displayName);
  }

  @Delete(':studentId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a student',
    description:
      'Ends every enrollment (links stop working at once), revokes every live session, erases the email and name. Idempotent.',
  })
  @ApiNoContentResponse({ description: 'Deleted (or already was).' })
  async remove(@CurrentInstructor() me: InstructorActor, @UuidParam('studentId') id: string): Promise<void> {
    await this.students.remove(me.scope, id);
  }
}
