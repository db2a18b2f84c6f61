import { Body, Controller, Get, HttpCode, HttpException, Post, Query, Req, Res } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '@labkeys/config';
import { IdentityProviderRepository, TenantRepository } from '@labkeys/database';
import { Public } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../common/api-problem-responses';
import { UuidParam } from '../common/uuid-param';
import { sessionCookieOf, setSessionCookie } from '../identity/session-cookie';
import { setStudentCookie } from '../me/student-session-cookie';
import {
  CliCredentialDto,
  CliExchangeDto,
  SsoCallbackQueryDto,
  SsoStartQueryDto,
  TenantSignInOptionsDto,
} from './dto/identity-provider.dto';
import { servesInstructors, servesStudents } from './identity-providers.service';
import { setSsoBrowserCookie, ssoBrowserCookieOf } from './sso-browser-cookie';
import { SsoFailure, SsoFlowService, type SsoOutcome } from './sso-flow.service';
import { SsoRefusal } from './sso-refusal';

/**
 * Signing in through a school's identity provider: the sign-in options of a tenant (its buttons), the start
 * (a redirect to the provider), the callback, and the CLI's code exchange. Browsers get redirects to the page
 * the sign-in started from, with a problem code when refused; API clients (Accept: application/json) get
 * problem+json. No refusal is a 5xx.
 */
@ApiTags('auth')
@ApiProblemResponses()
@Public()
@Controller('v1/auth/sso')
export class SsoController {
  constructor(
    private readonly flow: SsoFlowService,
    private readonly providers: IdentityProviderRepository,
    private readonly tenants: TenantRepository,
    private readonly config: AppConfig,
  ) {}

  @Get('tenants/:tenantId')
  @ApiOperation({ summary: "A tenant's sign-in options: its name, whether passwords work, its identity providers" })
  @ApiOkResponse({ type: TenantSignInOptionsDto })
  @ApiQuery({ name: 'for', required: false, enum: ['instructors', 'students'], description: 'Default instructors.' })
  async options(
    @UuidParam('tenantId') tenantId: string,
    @Query('for') audience?: string,
  ): Promise<TenantSignInOptionsDto> {
    const tenant = await this.tenants.systemSignInFacts(tenantId);
    if (!tenant) throw new HttpException({ detail: 'No such school on this LabKeys.' }, 404);
    const forStudents = audience === 'students';
    const rows = (await this.providers.systemPublicOf(tenantId)).filter((p) =>
      (forStudents ? servesStudents : servesInstructors)(p.audience),
    );
    const purpose = forStudents ? 'student' : 'instructor';
    return {
      tenantId: tenant.id,
      tenantName: tenant.name,
      passwordSignIn: tenant.passwordSignIn,
      providers: rows.map((p) => ({
        id: p.id,
        displayName: p.displayName,
        signInUrl: `${this.config.publicUrl}/v1/auth/sso/start/${tenant.id}/${p.id}?purpose=${purpose}`,
      })),
    };
  }

  @Get('start/:tenantId/:providerId')
  @ApiOperation({
    summary: 'Starts a sign-in: redirects to the provider (authorization code + PKCE, state, nonce; 10 minutes, once)',
  })
  @ApiFoundResponse({ description: "To the provider's sign-in page; sets the sign-in's browser cookie." })
  async start(
    @UuidParam('tenantId') tenantId: string,
    @UuidParam('providerId') providerId: string,
    @Query() q: SsoStartQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      const started = await this.flow.beginPublic(
        tenantId,
        providerId,
        q.purpose,
        {
          port: q.port ? Number(q.port) : undefined,
          challenge: q.challenge,
        },
        ssoBrowserCookieOf(req),
      );
      setSsoBrowserCookie(res, started.browserSecret, this.config.secureCookies);
      res.setHeader('cache-control', 'no-store');
      res.redirect(302, started.authorizationUrl);
    } catch (error) {
      this.refuse(req, res, error);
    }
  }

  @Get('callback')
  @ApiOperation({ summary: "The redirect URI to register at the school's provider" })
  @ApiFoundResponse({ description: 'To the dashboard, the student page or the CLI; refusals carry `sso_error`.' })
  async callback(@Query() q: SsoCallbackQueryDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const rawQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    res.setHeader('cache-control', 'no-store');
    let outcome: SsoOutcome;
    try {
      outcome = await this.flow.callback(
        q as Record<string, string | undefined>,
        rawQuery,
        ssoBrowserCookieOf(req),
        sessionCookieOf(req),
      );
    } catch (error) {
      return this.refuse(req, res, error);
    }
    if (outcome.kind === 'instructor') setSessionCookie(res, outcome.session.raw, this.config.secureCookies);
    if (outcome.kind === 'student') setStudentCookie(res, outcome.studentCookie, this.config.secureCookies);
    if (wantsJson(req)) return void res.status(200).json({ redirectTo: outcome.redirectTo });
    res.redirect(302, outcome.redirectTo);
  }

  @Post('cli/exchange')
  @HttpCode(200)
  @ApiOperation({ summary: "The CLI exchanges the loopback's one-time code (with its verifier) for a student token" })
  @ApiOkResponse({ type: CliCredentialDto })
  async exchange(@Body() body: CliExchangeDto): Promise<CliCredentialDto> {
    try {
      return await this.flow.exchangeCli(body.code, body.verifier);
    } catch (error) {
      if (error instanceof SsoRefusal)
        throw new HttpException({ detail: error.detail, code: error.code }, error.status);
      throw error;
    }
  }

  private refuse(req: Request, res: Response, error: unknown): void {
    const failure =
      error instanceof SsoFailure ? error : error instanceof SsoRefusal ? new SsoFailure(error, '/sign-in') : null;
    if (!failure) throw error;
    if (wantsJson(req)) {
      throw new HttpException(
        { detail: failure.refusal.detail, code: failure.refusal.code, redirectTo: failure.redirectTo },
        failure.refusal.status,
      );
    }
    res.redirect(302, failure.redirectTo);
  }
}

/** An API client asking for JSON rather than a browser following redirects. */
const wantsJson = (req: Request) => req.accepts(['text/html', 'application/json']) === 'application/json';
