import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { AccessLinkMailService } from './access-link-mail.service';
import {
  EmailAccessLinksDto,
  EmailedAccessLinksDto,
  EnrollmentPageDto,
  IssuedAccessLinkDto,
  ListEnrollmentsQueryDto,
} from './dto/enrollment.dto';
import { EnrollmentsService } from './enrollments.service';

@ApiTags('enrollments')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/courses/:courseId/enrollments')
export class EnrollmentsController {
  constructor(
    private readonly enrollments: EnrollmentsService,
    private readonly mail: AccessLinkMailService,
  ) {}

  @Get()
  @ApiOkResponse({ type: EnrollmentPageDto })
  list(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @Query() query: ListEnrollmentsQueryDto,
  ) {
    return this.enrollments.list(me.scope, courseId, query);
  }

  @Delete(':enrollmentId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Unenroll a student',
    description: "Idempotent. The student's access link stops working at once.",
  })
  @ApiNoContentResponse({ description: 'Unenrolled (or already was).' })
  async unenroll(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @UuidParam('enrollmentId') id: string,
  ): Promise<void> {
    await this.enrollments.unenroll(me.scope, courseId, id);
  }

  @Post(':enrollmentId/access-link')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Issue a new access link',
    description: 'The previous link stops working at once. The raw token is in this answer only.',
  })
  @ApiOkResponse({ type: IssuedAccessLinkDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The student is unenrolled.' })
  reissue(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @UuidParam('enrollmentId') id: string,
  ) {
    return this.enrollments.reissueAccessLink(me.scope, courseId, id);
  }

  @Post(':enrollmentId/access-link/email')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Email the student a new access link',
    description:
      'The previous link stops working at once; the email is queued and retried. Its state shows in the roster (`email`).',
  })
  @ApiAcceptedResponse({ type: EmailedAccessLinksDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The student is unenrolled or the course archived.' })
  emailOne(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @UuidParam('enrollmentId') id: string,
  ) {
    return this.mail.email(me.tenantId, courseId, { enrollmentId: id });
  }
}

@ApiTags('enrollments')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/courses/:courseId/access-links')
export class AccessLinkEmailsController {
  constructor(private readonly mail: AccessLinkMailService) {}

  @Post('email')
  @HttpCode(202)
  @ApiOperation({
    summary: "Email the course's students their access links",
    description:
      'Each emailed student gets a fresh link (the previous one stops working). `only: unsent` (default) skips students whose link was emailed or is on its way.',
  })
  @ApiAcceptedResponse({ type: EmailedAccessLinksDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The course is archived.' })
  emailAll(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('courseId') courseId: string,
    @Body() body: EmailAccessLinksDto,
  ) {
    return this.mail.email(me.tenantId, courseId, { only: body.only });
  }
}
