import { Body, Controller, Delete, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AppConfig } from '@labkeys/config';
import { CurrentStudentIdentity, StudentIdentityRoute } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { ChooseEnrollmentDto, StudentLabChoicesDto } from './dto/student-sso.dto';
import { clearStudentCookie, STUDENT_COOKIE } from './student-session-cookie';
import { StudentSsoSessions, type StudentIdentity } from './student-sso-sessions.service';

/**
 * A student signed in through their school: every current lab of every course they are in, and the choice of
 * the course the rest of the student API (credentials, console, stream) then works in.
 */
@ApiTags('student')
@ApiBearerAuth()
@ApiCookieAuth(STUDENT_COOKIE)
@ApiProblemResponses()
@StudentIdentityRoute()
@Controller('v1/me/sso')
export class StudentSsoController {
  constructor(
    private readonly sessions: StudentSsoSessions,
    private readonly config: AppConfig,
  ) {}

  @Get('labs')
  @ApiOperation({ summary: 'The courses the student is in, each with its scheduled and running labs' })
  @ApiOkResponse({ type: StudentLabChoicesDto })
  async labs(
    @CurrentStudentIdentity() me: StudentIdentity,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StudentLabChoicesDto> {
    res.setHeader('cache-control', 'no-store');
    return { courses: await this.sessions.choices(me) };
  }

  @Post('choice')
  @HttpCode(200)
  @ApiOperation({ summary: 'Work in this course from now on (credentials, console and stream follow it)' })
  @ApiOkResponse({ type: StudentLabChoicesDto })
  async choose(
    @CurrentStudentIdentity() me: StudentIdentity,
    @Body() body: ChooseEnrollmentDto,
  ): Promise<StudentLabChoicesDto> {
    await this.sessions.choose(me, body.enrollmentId);
    return { courses: await this.sessions.choices({ ...me, enrollmentId: body.enrollmentId }) };
  }

  @Delete('session')
  @HttpCode(204)
  @ApiOperation({ summary: 'Signs out of LabKeys (the school sign-in session): the cookie or CLI token stops working' })
  @ApiNoContentResponse()
  async signOut(
    @CurrentStudentIdentity() me: StudentIdentity,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.sessions.end(me.scope, me.ssoSessionId);
    if (me.kind === 'WEB') clearStudentCookie(res, this.config.secureCookies);
  }
}
