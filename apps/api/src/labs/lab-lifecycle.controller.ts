import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { LabSessionsService, RevocationRequestsService } from '@labkeys/core';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { OperationId } from '../common/operation-id';
import { UuidParam } from '../common/uuid-param';
import { StartLabResultDto } from './dto/lab-session.dto';
import { EndLabResultDto, RevocationResultDto } from './dto/revocation-result.dto';
import { RevokeRequestDto } from './dto/revoke-request.dto';

/** The body is optional: a revocation without a reason is the same request as before reasons existed. */
const RevokeBody = () => ApiBody({ type: RevokeRequestDto, required: false });

/**
 * A lab's access from start to end: starting it, and ending access early — one session, one student, a whole
 * lab, and ending a lab. Revoking and ending answer 202: AWS is told by the worker.
 */
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1')
export class LabLifecycleController {
  constructor(
    private readonly labs: LabSessionsService,
    private readonly revocations: RevocationRequestsService,
  ) {}

  @Post('labs/:labId/start')
  @OperationId('LabSessionsController_start')
  @ApiTags('labs')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: StartLabResultDto,
    description: 'Sessions created and issuance queued; starting a running lab again creates nothing.',
  })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      'The lab has ended or was cancelled, or its connection failed its last verify (field `connectionId`, detail naming the connection).',
  })
  start(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') labId: string) {
    return this.labs.startLab(me.scope, labId, 'manual');
  }

  @Post('labs/:labId/revoke')
  @OperationId('RevocationsController_revokeLab')
  @ApiTags('revocation')
  @StepUp()
  @HttpCode(202)
  @ApiOperation({ summary: 'Revoke every live session of the lab (one lab-wide deny on the lab role).' })
  @RevokeBody()
  @ApiAcceptedResponse({ type: RevocationResultDto })
  revokeLab(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('labId') labId: string,
    @Body() body: RevokeRequestDto,
  ) {
    return this.revocations.revokeLab(me.scope, labId, body.reason);
  }

  @Post('labs/:labId/sessions/:sessionId/revoke')
  @OperationId('RevocationsController_revokeSession')
  @ApiTags('revocation')
  @HttpCode(202)
  @ApiOperation({ summary: 'Revoke one session (and the successor a renewal may have started for it).' })
  @RevokeBody()
  @ApiAcceptedResponse({ type: RevocationResultDto })
  revokeSession(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('labId') labId: string,
    @UuidParam('sessionId') sessionId: string,
    @Body() body: RevokeRequestDto,
  ) {
    return this.revocations.revokeSession(me.scope, labId, sessionId, body.reason);
  }

  @Post('students/:studentId/revoke')
  @OperationId('RevocationsController_revokeStudent')
  @ApiTags('revocation')
  @HttpCode(202)
  @ApiOperation({ summary: "Revoke the student's live sessions in every lab." })
  @RevokeBody()
  @ApiAcceptedResponse({ type: RevocationResultDto })
  revokeStudent(
    @CurrentInstructor() me: InstructorActor,
    @UuidParam('studentId') studentId: string,
    @Body() body: RevokeRequestDto,
  ) {
    return this.revocations.revokeStudent(me.scope, studentId, body.reason);
  }

  @Post('labs/:labId/end')
  @OperationId('RevocationsController_end')
  @ApiTags('revocation')
  @HttpCode(202)
  @ApiOperation({
    summary: 'End a running lab now: no more renewals, every live session ended (issued ones denied lab-wide).',
  })
  @ApiAcceptedResponse({ type: EndLabResultDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The lab is SCHEDULED or CANCELLED.' })
  end(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') labId: string) {
    return this.revocations.endLab(me.scope, labId, 'manual');
  }
}
