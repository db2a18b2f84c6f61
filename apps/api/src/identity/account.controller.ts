import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { InstructorActor } from '../auth/actor';
import { CurrentInstructor, CurrentWebSession, OwnAccount, SessionRoute, StepUp } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { PageQueryDto } from '../common/dto/page-query.dto';
import { UuidParam } from '../common/uuid-param';
import { ApiTokenPageDto, IssuedApiTokenDto } from '../instructors/dto/instructor.dto';
import { InstructorsService } from '../instructors/instructors.service';
import { AccountService } from './account.service';
import { ChangePasswordDto, CreateAccountTokenDto, MfaEnrolmentDto, RecoveryCodesDto } from './dto/account.dto';
import { MfaCodeDto } from './dto/session.dto';
import { MfaService } from './mfa.service';
import type { CurrentSession } from './web-sessions.service';

const DAY_MS = 86_400_000;

/** The signed-in instructor's own account: MFA, password, API tokens. */
@ApiTags('account')
@ApiCookieAuth()
@ApiProblemResponses()
@Controller('v1/account')
export class AccountController {
  constructor(
    private readonly mfa: MfaService,
    private readonly account: AccountService,
    private readonly instructors: InstructorsService,
  ) {}

  @Post('mfa/enrolment')
  @SessionRoute({ pending: true })
  @HttpCode(200)
  @ApiOperation({ summary: 'Start enrolling an authenticator app (TOTP); confirm with its first code.' })
  @ApiOkResponse({ type: MfaEnrolmentDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'MFA is already on.' })
  startEnrolment(@CurrentWebSession() current: CurrentSession) {
    return this.mfa.startEnrolment(current);
  }

  @Post('mfa/enrolment/confirm')
  @SessionRoute({ pending: true })
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'No enrolment is waiting for a code.' })
  confirmEnrolment(@CurrentWebSession() current: CurrentSession, @Body() body: MfaCodeDto) {
    return this.mfa.confirmEnrolment(current, body.code);
  }

  @Delete('mfa')
  @SessionRoute()
  @StepUp()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'MFA is off; the recovery codes stop working.' })
  async disableMfa(@CurrentWebSession() current: CurrentSession): Promise<void> {
    await this.mfa.disable(current);
  }

  @Post('password')
  @SessionRoute()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Changed; every other session of the account is ended.' })
  async changePassword(@CurrentWebSession() current: CurrentSession, @Body() body: ChangePasswordDto): Promise<void> {
    await this.account.changePassword(current, body);
  }

  @Get('tokens')
  @OwnAccount()
  @ApiBearerAuth()
  @ApiOkResponse({ type: ApiTokenPageDto, description: 'The API tokens of the signed-in instructor.' })
  listTokens(@CurrentInstructor() me: InstructorActor, @Query() query: PageQueryDto) {
    return this.instructors.listTokens(me.scope, query, me.instructorId);
  }

  @Post('tokens')
  @OwnAccount()
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: IssuedApiTokenDto, description: 'The raw token is in this answer only.' })
  issueToken(@CurrentInstructor() me: InstructorActor, @Body() body: CreateAccountTokenDto) {
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * DAY_MS) : undefined;
    return this.instructors.issueToken(me.scope, me.instructorId, body.name, expiresAt);
  }

  @Delete('tokens/:tokenId')
  @OwnAccount()
  @ApiBearerAuth()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; it stops working at once.' })
  async revokeToken(@CurrentInstructor() me: InstructorActor, @UuidParam('tokenId') id: string): Promise<void> {
    await this.instructors.revokeToken(me.scope, id, me.instructorId);
  }
}
