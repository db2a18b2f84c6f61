import { Body, Controller, ForbiddenException, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCookieAuth,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@labkeys/config';
import { CurrentWebSession, Public, SessionRoute } from '../auth/auth.decorators';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { ValidationProblemException } from '../common/problem';
import {
  AcceptInvitationDto,
  InvitationPreviewDto,
  InvitationTokenDto,
  MfaCodeDto,
  MfaVerifyDto,
  SessionDto,
  SignedOutDto,
  SignInDto,
  TenantChoiceProblemDto,
} from './dto/session.dto';
import { InvitationsService } from './invitations.service';
import { MfaService } from './mfa.service';
import { clearSessionCookie, foreignOrigin, sessionCookieOf, setSessionCookie } from './session-cookie';
import { SignInService } from './sign-in.service';
import { SsoFlowService } from '../sso/sso-flow.service';
import { scopeOf, WebSessions, type CurrentSession, type SessionView } from './web-sessions.service';

/** Dashboard sign-in: password, second factor, invitations, sign-out. The session travels in the `lk_session` cookie. */
@ApiTags('auth')
@ApiProblemResponses()
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly signInService: SignInService,
    private readonly mfa: MfaService,
    private readonly invitations: InvitationsService,
    private readonly sessions: WebSessions,
    private readonly config: AppConfig,
    private readonly sso: SsoFlowService,
  ) {}

  @Post('sign-in')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; sets the session cookie (a new id each time).' })
  @ApiOkResponse({
    type: SessionDto,
    description: '`state` says whether a code (`mfa-required`) or an MFA enrolment is needed next.',
  })
  @ApiConflictResponse({
    type: TenantChoiceProblemDto,
    description: 'The email and password open several tenants: sign in again with one `tenantId`.',
  })
  async signIn(
    @Body() body: SignInDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    this.refuseForeignOrigin(req);
    return this.answer(res, await this.signInService.signIn(body, req.ip ?? 'unknown', sessionCookieOf(req)));
  }

  @Get('session')
  @SessionRoute({ pending: true })
  @ApiCookieAuth()
  @ApiOkResponse({ type: SessionDto })
  session(@CurrentWebSession() current: CurrentSession): SessionView {
    return this.sessions.view(current);
  }

  @Post('mfa/verify')
  @SessionRoute({ pending: true })
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary: 'Give the second factor (a TOTP code or a recovery code); the session id and CSRF token are replaced.',
  })
  @ApiOkResponse({ type: SessionDto })
  async verify(
    @CurrentWebSession() current: CurrentSession,
    @Body() body: MfaVerifyDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    if ((body.code === undefined) === (body.recoveryCode === undefined)) {
      throw new ValidationProblemException([{ field: 'code', message: 'give either code or recoveryCode' }]);
    }
    return this.answer(
      res,
      await this.mfa.verify(
        current,
        body.code !== undefined ? { code: body.code } : { recoveryCode: body.recoveryCode! },
      ),
    );
  }

  @Post('step-up')
  @SessionRoute()
  @HttpCode(200)
  @ApiCookieAuth()
  @ApiOperation({
    summary:
      'A fresh TOTP code: allows connection, lab-revocation, instructor and tenant changes from this session for 15 minutes.',
  })
  @ApiOkResponse({ type: SessionDto })
  async stepUp(@CurrentWebSession() current: CurrentSession, @Body() body: MfaCodeDto): Promise<SessionView> {
    return this.sessions.view(await this.mfa.stepUp(current, body.code));
  }

  @Post('sign-out')
  @SessionRoute({ pending: true })
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiNoContentResponse({ description: 'The session is ended and the cookie cleared.' })
  @ApiOkResponse({
    type: SignedOutDto,
    description:
      "A session signed in through the school's identity provider: ended too, and `endSessionUrl` (when the provider has one) signs the browser out there.",
  })
  async signOut(
    @CurrentWebSession() current: CurrentSession,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SignedOutDto | void> {
    await this.signInService.signOut(current);
    clearSessionCookie(res, this.config.secureCookies);
    if (!current.live.ssoProviderId) return;
    res.status(200);
    return {
      endSessionUrl: await this.sso.endSessionUrl(
        scopeOf(current.live),
        current.live.ssoProviderId,
        `${this.config.publicUrl}/sign-in?tenant=${current.live.tenantId}`,
      ),
    };
  }

  @Post('sign-out-everywhere')
  @SessionRoute()
  @HttpCode(204)
  @ApiCookieAuth()
  @ApiNoContentResponse({ description: 'Every session of the account is ended (API tokens are not affected).' })
  async signOutEverywhere(
    @CurrentWebSession() current: CurrentSession,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.signInService.signOutEverywhere(current);
    clearSessionCookie(res, this.config.secureCookies);
  }

  @Post('invitations/inspect')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: InvitationPreviewDto })
  @ApiGoneResponse({ type: ProblemDto, description: 'The link was used, revoked or has expired (or never existed).' })
  inspect(@Body() body: InvitationTokenDto) {
    return this.invitations.inspect(body.token);
  }

  @Post('invitations/accept')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Set a password through an invitation link (once) and sign in.' })
  @ApiOkResponse({ type: SessionDto })
  @ApiGoneResponse({ type: ProblemDto, description: 'The link was used, revoked or has expired (or never existed).' })
  async accept(
    @Body() body: AcceptInvitationDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    this.refuseForeignOrigin(req);
    return this.answer(res, await this.invitations.accept(body));
  }

  private answer(res: Response, session: CurrentSession): SessionView {
    setSessionCookie(res, session.raw, this.config.secureCookies);
    return this.sessions.view(session);
  }

  /** A page of another site cannot sign a browser in (to the attacker's account) behind its user's back. */
  private refuseForeignOrigin(req: Request): void {
    if (foreignOrigin(req, this.config.webOrigins))
      throw new ForbiddenException({ detail: 'Sign in from the LabKeys dashboard.', code: 'csrf_refused' });
  }
}
