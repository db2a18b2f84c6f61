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
import { CreateLabDto, LabDto, LabPageDto, ListLabsQueryDto, UpdateLabDto } from './dto/lab.dto';
import { LabsService } from './labs.service';

@ApiTags('labs')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/labs')
export class LabsController {
  constructor(private readonly labs: LabsService) {}

  @Get()
  @ApiOkResponse({ type: LabPageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: ListLabsQueryDto) {
    return this.labs.list(me.scope, query);
  }

  @Get(':labId')
  @ApiOkResponse({ type: LabDto })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') id: string) {
    return this.labs.get(me.scope, id);
  }

  @Post()
  @ApiOperation({ summary: 'Schedule a lab for a course with a role template; it starts manually or at startsAt.' })
  @ApiCreatedResponse({ type: LabDto })
  create(@CurrentInstructor() me: InstructorActor, @Body() body: CreateLabDto) {
    return this.labs.create(me.scope, body);
  }

  @Patch(':labId')
  @ApiOperation({ summary: 'Change a lab while it is SCHEDULED.' })
  @ApiOkResponse({ type: LabDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The lab is no longer SCHEDULED.' })
  update(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') id: string, @Body() body: UpdateLabDto) {
    return this.labs.update(me.scope, id, body);
  }

  @Post(':labId/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a SCHEDULED lab.' })
  @ApiOkResponse({ type: LabDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The lab is no longer SCHEDULED.' })
  cancel(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') id: string) {
    return this.labs.cancel(me.scope, id);
  }
}
