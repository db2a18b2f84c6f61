import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, OwnerOnly, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { UuidParam } from '../common/uuid-param';
import { CreateInvitationDto, InvitationPageDto, IssuedInvitationDto } from './dto/account.dto';
import { InvitationsService } from './invitations.service';

/** Owners invite instructors to sign in to the dashboard. */
@ApiTags('instructors')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiProblemResponses()
@OwnerOnly()
@Controller('v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @ApiOkResponse({ type: InvitationPageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: PageQueryDto) {
    return this.invitations.list(me, query);
  }

  @Post()
  @StepUp()
  @ApiCreatedResponse({
    type: IssuedInvitationDto,
    description:
      'The link is in this answer only; it works once, for 7 days. Earlier open invitations of the email stop working.',
  })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The instructor can sign in already, is disabled, or has another role.',
  })
  create(@CurrentInstructor() me: InstructorActor, @Body() body: CreateInvitationDto) {
    return this.invitations.create(me, body);
  }

  @Delete(':invitationId')
  @StepUp()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The link stops working.' })
  async revoke(@CurrentInstructor() me: InstructorActor, @UuidParam('invitationId') id: string): Promise<void> {
    await this.invitations.revoke(me, id);
  }
}
