import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RevocationRequestsService } from '@labkeys/core';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { OperationId } from '../common/operation-id';
import { UuidParam } from '../common/uuid-param';
import { EndLabResultDto, RevocationResultDto } from './dto/revocation-result.dto';

/** Ending access early: one session, one student, a whole lab, and ending a lab. Answers 202: AWS is told by the worker. */
@ApiTags('revocation')
@ApiBearerAuth()
@ApiProblemResponses()
@Controller('v1')
export class RevocationsController {
  constructor(private readonly revocations: RevocationRequestsService) {}

  @Post('labs/:labId/revoke')
  @OperationId('RevocationsController_revokeLab')
  @StepUp()
  @HttpCode(202)
  @ApiOperation({ summary: 'Revoke every live session of the lab (one lab-wide deny on the lab role).' })
  @ApiAcceptedResponse({ type: RevocationResultDto })
  revokeLab(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') labId: string) {
    return this.revocations.revokeLab(me.scope, labId);
  }

  @Post('labs/:labId/sessions/:sessionId/revoke')
  @OperationId('RevocationsController_revokeSession')
  @HttpCode(202)
  @ApiOperation({ summary: 'Revoke one session (and the successor a renewal may have started for it).' })
  @ApiAcceptedResponse({ type: RevocationResultDto })
  revokeSession(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') labId: string, @UuidParam('sessionId') sessionId: string) {
    return this.revocations.revokeSession(me.scope, labId, sessionId);
  }

  @Post('students/:studentId/revoke')
  @OperationId('RevocationsController_revokeStudent')
  @HttpCode(202)
  @ApiOperation({ summary: "Revoke the student's live sessions in every lab." })
  @ApiAcceptedResponse({ type: RevocationResultDto })
  revokeStudent(@CurrentInstructor() me: InstructorActor, @UuidParam('studentId') studentId: string) {
    return this.revocations.revokeStudent(me.scope, studentId);
  }

  @Post('labs/:labId/end')
  @OperationId('RevocationsController_end')
  @HttpCode(202)
  @ApiOperation({ summary: 'End a running lab now: no more renewals, every live session ended (issued ones denied lab-wide).' })
  @ApiAcceptedResponse({ type: EndLabResultDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The lab is SCHEDULED or CANCELLED.' })
  end(@CurrentInstructor() me: InstructorActor, @UuidParam('labId') labId: string) {
    return this.revocations.endLab(me.scope, labId, 'manual');
  }
}
