import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { ConnectionSetupService } from './connection-setup.service';
import { ConnectionVerifierService } from './connection-verifier.service';
import { ConnectionsService } from './connections.service';
import {
  ConnectionDto,
  ConnectionPageDto,
  CreateConnectionDto,
  ListConnectionsQueryDto,
  UpdateConnectionDto,
} from './dto/connection.dto';
import { ConnectionSetupDto, VerifyResultDto } from './dto/connection-setup.dto';

@ApiTags('connections')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1/connections')
export class ConnectionsController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly setupService: ConnectionSetupService,
    private readonly verifier: ConnectionVerifierService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ConnectionPageDto })
  list(@CurrentInstructor() me: InstructorActor, @Query() query: ListConnectionsQueryDto) {
    return this.connections.list(me.scope, query, query.sort);
  }

  @Get(':connectionId')
  @ApiOkResponse({ type: ConnectionDto })
  get(@CurrentInstructor() me: InstructorActor, @UuidParam('connectionId') id: string) {
    return this.connections.get(me.scope, id);
  }

  @Post()
  @StepUp()
  @ApiOperation({ summary: 'Create a connection; LabKeys generates its external id.' })
  @ApiCreatedResponse({ type: ConnectionDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'A connection with this name exists.' })
  create(@CurrentInstructor() me: InstructorActor, @Body() body: CreateConnectionDto) {
    return this.connections.create(me.scope, body);
  }

  @Patch(':connectionId')
  @StepUp()
  @ApiOperation({
    summary: 'Update a connection; changing a role, the region or the endpoint clears its verification.',
  })
  @ApiOkResponse({ type: ConnectionDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'A connection with this name exists.' })
  update(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('connectionId') id: string,
    @Body() body: UpdateConnectionDto,
  ) {
    return this.connections.update(me.scope, id, body);
  }

  @Delete(':connectionId')
  @StepUp()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Role templates still use the connection.' })
  async remove(@CurrentInstructor() me: InstructorActor, @UuidParam('connectionId') id: string): Promise<void> {
    await this.connections.remove(me.scope, id);
  }

  @Get(':connectionId/setup')
  @ApiOperation({
    summary: 'What the AWS administrator creates: trust and management policies as JSON, Terraform and CloudFormation.',
  })
  @ApiOkResponse({ type: ConnectionSetupDto })
  @ApiConflictResponse({ type: ProblemDto, description: "LabKeys' own AWS principal is unknown." })
  setup(@CurrentInstructor() me: InstructorActor, @UuidParam('connectionId') id: string) {
    return this.setupService.setup(me.scope, id);
  }

  @Post(':connectionId/verify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Check the connection is safe to use: lab role trust with the external id (and refused without it or with a wrong one), the management role's inline-policy access on the lab role, MaxSessionDuration and role chaining. The outcome is kept: labs cannot start on a connection whose last verify failed.",
  })
  @ApiOkResponse({
    type: VerifyResultDto,
    description: "AWS's answers; a failed check is a result (verified: false, failures named), not an error.",
  })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The connection has no lab role ARN yet, or it changed while being verified.',
  })
  verify(@CurrentInstructor() me: InstructorActor, @UuidParam('connectionId') id: string) {
    return this.verifier.verify(me.scope, id);
  }
}
