import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type InstructorActor } from '../auth/actor';
import { CurrentInstructor, OwnerOnly, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { UuidParam } from '../common/uuid-param';
import { WebSessions } from '../identity/web-sessions.service';
import {
  ApiTokenPageDto,
  CreateApiTokenDto,
  CreateInstructorDto,
  InstructorDto,
  InstructorPageDto,
  IssuedApiTokenDto,
  ListInstructorsQueryDto,
  UpdateInstructorDto,
} from './dto/instructor.dto';
import { InstructorsService } from './instructors.service';

@ApiTags('instructors')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1')
export class InstructorsController {
  constructor(
    private readonly instructors: InstructorsService,
    private readonly sessions: WebSessions,
  ) {}

  @Get('instructors')
  @ApiOkResponse({ type: InstructorPageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: ListInstructorsQueryDto) {
    return this.instructors.list(me.scope, query, query);
  }

  @Get('instructors/:instructorId')
  @ApiOkResponse({ type: InstructorDto })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('instructorId') id: string) {
    return this.instructors.get(me.scope, id);
  }

  @Post('instructors')
  @OwnerOnly()
  @StepUp()
  @ApiCreatedResponse({ type: InstructorDto })
  create(@CurrentInstructor() me: InstructorActor, @Body() body: CreateInstructorDto) {
    return this.instructors.create(me.scope, body);
  }

  @Patch('instructors/:instructorId')
  @OwnerOnly()
  @StepUp()
  @ApiOkResponse({
    type: InstructorDto,
    description: "Disabling ends the instructor's dashboard sessions; their API tokens stop working while disabled.",
  })
  async update(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('instructorId') id: string,
    @Body() body: UpdateInstructorDto,
  ) {
    const row = await this.instructors.update(me.scope, id, body);
    if (body.disabled === true) await this.sessions.endAllOf(me.scope, id);
    return row;
  }

  @Post('instructors/:instructorId/tokens')
  @ApiCreatedResponse({ type: IssuedApiTokenDto, description: 'The raw token is in this answer only.' })
  issueToken(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('instructorId') id: string,
    @Body() body: CreateApiTokenDto,
  ) {
    if (me.role !== 'OWNER' && me.instructorId !== id)
      throw new ForbiddenException({ detail: 'Only owners create tokens for others.' });
    return this.instructors.issueToken(me.scope, id, body.name, body.expiresAt ? new Date(body.expiresAt) : undefined);
  }

  @Get('tokens')
  @ApiOkResponse({ type: ApiTokenPageDto, description: 'Owners see every token of the tenant; others their own.' })
  listTokens(@CurrentInstructor() me: InstructorActor, @Query() query: PageQueryDto) {
    return this.instructors.listTokens(me.scope, query, me.role === 'OWNER' ? undefined : me.instructorId);
  }

  @Delete('tokens/:tokenId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; it stops working at once.' })
  async revokeToken(@CurrentInstructor() me: InstructorActor, @UuidParam('tokenId') id: string): Promise<void> {
    await this.instructors.revokeToken(me.scope, id, me.role === 'OWNER' ? undefined : me.instructorId);
  }
}
