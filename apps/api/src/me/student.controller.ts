import {
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  Post,
  Query,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiFoundResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { AppConfig } from '@labkeys/config';
import type { Request, Response } from 'express';
import type { StudentActor } from '../auth/actor';
import { CurrentStudent, StudentRoute } from '../auth/auth.decorators';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { ApiProblemResponses, ProblemDto } from '../common/api-problem-responses';
import { PushHub } from '../push/push-hub';
import { openSseStream, type SseMessage, type SseStream } from '../push/sse-stream';
import { ClassProgressFeed, ClassProgressHub } from './class-progress';
import { renderCredentials } from './credential-formats';
import { foreignOrigin } from '../identity/session-cookie';
import {
  ConsoleLinkDto,
  ConsoleQueryDto,
  CurrentSessionQueryDto,
  StudentCredentialsDto,
  StudentEventsQueryDto,
  StudentSessionDto,
} from './dto/student.dto';
import { clearStudentCookie, setStudentCookie, STUDENT_COOKIE } from './student-session-cookie';
import { StudentSessionsService } from './student-sessions.service';
import { StudentWebSessions } from './student-web-sessions.service';

/** Ends a student's stream (its `error` event carries 401): the token it was opened with no longer opens the enrollment. */
export class AccessEndedError extends UnauthorizedException {
  constructor() {
    super({
      detail:
        'This access link no longer works: you were removed from the course, or the link was replaced or has expired.',
    });
  }
}

/**
 * The student API: a student's own credentials, console link and event stream, with the access token as a bearer
 * token (the CLI) or the student page's session cookie (exchanged once for the token).
 */
@ApiTags('student')
@ApiBearerAuth()
@ApiCookieAuth(STUDENT_COOKIE)
@ApiProblemResponses()
@StudentRoute()
@Controller('v1/me')
export class StudentController {
  constructor(
    private readonly sessions: StudentSessionsService,
    private readonly hub: PushHub,
    private readonly tokens: TokenAuthenticator,
    private readonly webSessions: StudentWebSessions,
    private readonly config: AppConfig,
    private readonly progress: ClassProgressHub,
  ) {}

  @Post('session')
  @HttpCode(200)
  @ApiOperation({
    summary: "Exchanges the access token (bearer) for the student page's session cookie",
    description: `Sets \`${STUDENT_COOKIE}\` (HttpOnly, SameSite=Strict, Path=/v1/me, Secure when PUBLIC_URL is https), accepted wherever the token is, while the token still works. With the cookie already, answers the session as it is.`,
  })
  @ApiOkResponse({ type: StudentSessionDto })
  async startSession(
    @CurrentStudent() me: StudentActor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StudentSessionDto> {
    // A page of another site must not sign this browser in with a token of its choosing.
    if (foreignOrigin(req, this.config.webOrigins))
      throw new ForbiddenException({
        detail: 'The student session is started from the LabKeys student page only.',
        code: 'csrf_refused',
      });
    if (!me.webSessionId && !me.ssoSessionId)
      setStudentCookie(res, await this.webSessions.start(me), this.config.secureCookies);
    res.setHeader('cache-control', 'no-store');
    // From here on the page is signed in with the cookie.
    return { via: 'cookie', schoolSignIn: Boolean(me.ssoSessionId), ...(await this.sessions.summary(me)) };
  }

  @Get('session')
  @ApiOperation({
    summary: 'The course, the current lab session and its status (waiting, ready, renewing, expired, revoked, failed)',
  })
  @ApiOkResponse({ type: StudentSessionDto })
  async session(
    @CurrentStudent() me: StudentActor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StudentSessionDto> {
    res.setHeader('cache-control', 'no-store');
    return {
      via: me.webSessionId || me.ssoSessionId ? 'cookie' : 'token',
      schoolSignIn: Boolean(me.ssoSessionId),
      ...(await this.sessions.summary(me)),
    };
  }

  @Delete('session')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Signs the student page out: ends its session and clears the cookie (the access link itself keeps working)',
  })
  @ApiNoContentResponse()
  async endSession(@CurrentStudent() me: StudentActor, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.webSessions.end(me);
    clearStudentCookie(res, this.config.secureCookies);
  }

  @Get('sessions/current')
  @ApiProduces('application/json', 'text/plain')
  @ApiOkResponse({ type: StudentCredentialsDto, description: 'format=json (default), env, ini or process.' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Credentials are still being issued.' })
  @ApiGoneResponse({ type: ProblemDto, description: 'The lab access has ended.' })
  async current(
    @CurrentStudent() me: StudentActor,
    @Query() q: CurrentSessionQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const creds = await this.sessions.current(me);
    const { contentType, body } = renderCredentials(creds, q.format ?? 'json', q.profile ?? 'labkeys');
    res.status(200).setHeader('cache-control', 'no-store');
    res.type(contentType).send(body);
  }

  @Get('sessions/current/console')
  @ApiFoundResponse({ description: 'Redirect to a freshly minted AWS console sign-in URL (valid 15 minutes).' })
  @ApiOkResponse({ type: ConsoleLinkDto, description: 'mode=json or mode=link.' })
  async console(@CurrentStudent() me: StudentActor, @Query() q: ConsoleQueryDto, @Res() res: Response): Promise<void> {
    // A single-use link is minted with the current credentials (their consoleUrl); it opens the console when followed.
    const url = q.mode === 'link' ? (await this.sessions.current(me)).consoleUrl : await this.sessions.consoleUrl(me);
    res.setHeader('cache-control', 'no-store');
    if (q.mode === 'link') return void res.status(200).json({ url });
    if (q.mode === 'json') res.status(200).json({ url });
    else res.redirect(302, url);
  }

  @Get('events')
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      "SSE: session.queued, session.issued, session.renewed, session.expiring, session.revoking, session.ended, session.failed — with this student's own credentials only; resumable with Last-Event-ID. While the student's own session is being issued, lab.progress (no id) gives the class's counts (ready, waiting, failed, total), coalesced to one every 250 ms at most.",
  })
  async events(
    @CurrentStudent() me: StudentActor,
    @Query() q: StudentEventsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    let feed: ClassProgressFeed | undefined;
    const progressOf = (stream: SseStream) =>
      (feed ??= this.progress.feed(me, stream)).sync().catch(() => [] as SseMessage[]);
    await openSseStream(req, res, this.hub, {
      resumeFrom: q.lastEventId,
      channel: { kind: 'student', tenantId: me.tenantId, studentId: me.studentId },
      owner: `s:${me.tenantId}:${me.enrollmentId}`,
      render: async ({ event }, stream): Promise<SseMessage[]> => {
        if (event.studentId !== me.studentId || event.tenantId !== me.tenantId) return [];
        // Checked at every event, not only when the stream opened: a removed student or a replaced link gets nothing more.
        if (event.type === 'session.issued' || event.type === 'session.renewed') {
          // The credentials' one query checks the token too; without them, find out which it was.
          const credentials = await this.sessions.credentialsForSession(me, event.sessionId);
          if (credentials) return [{ event: event.type, data: credentials }, ...(await progressOf(stream))];
          if (!(await this.tokens.isCurrent(me))) throw new AccessEndedError();
          // Another course's lab, or already ended by the time it is delivered: nothing to hand out.
          return [];
        }
        if (!(await this.tokens.isCurrent(me))) throw new AccessEndedError();
        if (event.type === 'access.ended') return [];
        return [
          {
            event: event.type,
            data: { sessionId: event.sessionId, state: event.state, detail: event.detail ?? null, at: event.at },
          },
          // The student's own session changed: the labs they wait in may have too.
          ...(await progressOf(stream)),
        ];
      },
      afterStart: progressOf,
      initial: async () => {
        // No current session (404/409/410) is an answer, not a failure; Postgres being away is a failure and ends the stream.
        const current = await this.sessions.current(me).catch((error: unknown) => {
          if (error instanceof HttpException && error.getStatus() < 500) return null;
          throw error;
        });
        return current ? [{ event: 'session.current', data: current }] : [];
      },
    });
  }
}
