import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { CourseDto, CoursePageDto, CreateCourseDto, ListCoursesQueryDto, UpdateCourseDto } from './dto/course.dto';
import { CoursesService } from './courses.service';

@ApiTags('courses')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Get()
  @ApiOkResponse({ type: CoursePageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: ListCoursesQueryDto) {
    return this.courses.list(me.scope, query);
  }

  @Get(':courseId')
  @ApiOkResponse({ type: CourseDto })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('courseId') id: string) {
    return this.courses.get(me.scope, id);
  }

  @Post()
  @ApiCreatedResponse({ type: CourseDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The code is taken in this tenant (`field: code`).' })
  create(@CurrentInstructor() me: InstructorActor, @Body() body: CreateCourseDto) {
    return this.courses.create(me.scope, body);
  }

  @Patch(':courseId')
  @ApiOkResponse({ type: CourseDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The code is taken in this tenant (`field: code`).' })
  update(@CurrentInstructor() me: InstructorActor, @UuidParam('courseId') id: string, @Body() body: UpdateCourseDto) {
    return this.courses.update(me.scope, id, body);
  }

  @Post(':courseId/archive')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Archive a course',
    description: 'Idempotent. Archived courses refuse imports; existing enrollments stay.',
  })
  @ApiOkResponse({ type: CourseDto })
  archive(@CurrentInstructor() me: InstructorActor, @UuidParam('courseId') id: string) {
    return this.courses.setArchived(me.scope, id, true);
  }

  @Post(':courseId/unarchive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unarchive a course', description: 'Idempotent.' })
  @ApiOkResponse({ type: CourseDto })
  unarchive(@CurrentInstructor() me: InstructorActor, @UuidParam('courseId') id: string) {
    return this.courses.setArchived(me.scope, id, false);
  }
}
