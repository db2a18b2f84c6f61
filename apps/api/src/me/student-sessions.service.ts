import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { ConsoleLinkMinter, defaultConsoleDestination } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { CallerIdentityCache, SessionSecrets } from '@labkeys/core';
import { CourseRepository, LabSessionRepository, type SealedSessionRow } from '@labkeys/database';
import type { StudentActor } from '../auth/actor';
import { ConsoleLinks } from './console-links';
import type { StudentCourseDto, StudentLabDto, StudentLabStatus } from './dto/student.dto';

export interface StudentCredentials {
  sessionId: string;
  labId: string;
  labName: string;
  state: 'ACTIVE';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
  region: string;
  assumedRoleArn: string | null;
  endpointUrl: string | null;
  consoleUrl: string;
}

/** The instructor's reason of a revoked (or being revoked) session; null otherwise. */
const revokeReasonOf = (s: { state: string; revokeReason: string | null }): string | null =>
  s.state === 'REVOKED' || s.state === 'REVOKING' ? s.revokeReason : null;

/**
 * A student's own current session, in their enrollment's course. Secrets are
 * unsealed only here, at the moment they are handed to that student.
 */
@Injectable()
export class StudentSessionsService {
  constructor(
    private readonly sessions: LabSessionRepository,
    private readonly courses: CourseRepository,
    private readonly secrets: SessionSecrets,
    private readonly minter: ConsoleLinkMinter,
    private readonly identity: CallerIdentityCache,
    private readonly config: AppConfig,
    private readonly links: ConsoleLinks,
  ) {}

  /** The newest ACTIVE session's credentials; 409 while one is being issued, 410 once all have ended, 404 before any. */
  async current(me: StudentActor): Promise<StudentCredentials> {
    return (await this.currentSession(me)).credentials;
  }

  private async currentSession(me: StudentActor) {
    const sessions = await this.sessions.recentOfStudent(me.scope, me.studentId, me.courseId);
    const now = Date.now();
    const active = sessions
      .filter(
        (s) => s.state === 'ACTIVE' && s.expiresAt && s.expiresAt.getTime() > now && s.sealedSecret && s.sealKeyId,
      )
      .sort((a, b) => (b.issuedAt?.getTime() ?? 0) - (a.issuedAt?.getTime() ?? 0))[0];
    if (active) {
      const { connection } = active.lab.template;
      const credentials = await this.credentialsOf(me, {
        ...active,
        labName: active.lab.name,
        region: connection.region,
        endpointOverride: connection.endpointOverride,
      });
      return { session: active, credentials };
    }
    if (sessions.some((s) => s.state === 'PENDING' || s.state === 'ISSUING')) {
      throw new ConflictException({
        detail: 'Your credentials are being issued; try again in a moment or listen on /v1/me/events.',
      });
    }
    if (sessions.length > 0) {
      const last = sessions[0];
      const revokeReason = revokeReasonOf(last);
      const detail =
        last.state === 'FAILED'
          ? `Your credentials could not be issued (${last.failureCode ?? 'failed'}: ${last.failureReason ?? 'no reason recorded'}).`
          : revokeReason
            ? `Your lab access has ended (${last.state.toLowerCase()}): your instructor wrote "${revokeReason}".`
            : `Your lab access has ended (${last.state.toLowerCase()}).`;
      throw new GoneException({
        detail,
        state: last.state,
        failureCode: last.failureCode,
        failureReason: last.state === 'FAILED' ? last.failureReason : null,
        revokeReason,
      });
    }
    throw new NotFoundException({ detail: 'You have no lab session yet.' });
  }

  /**
   * Where this student stands, for their page: the course, and the newest live session (else the last one) with
   * its status — waiting, ready, renewing (ACTIVE while its successor is being issued) or how it ended.
   */
  async summary(
    me: StudentActor,
  ): Promise<{ course: StudentCourseDto; status: StudentLabStatus; lab: StudentLabDto | null }> {
    const [course, sessions] = await Promise.all([
      this.courses.findById(me.scope, me.courseId),
      this.sessions.recentOfStudent(me.scope, me.studentId, me.courseId),
    ]);
    if (!course) throw new NotFoundException({ detail: 'Course not found.' });
    const now = Date.now();
    const active = sessions
      .filter((s) => s.state === 'ACTIVE' && s.expiresAt && s.expiresAt.getTime() > now)
      .sort((a, b) => (b.issuedAt?.getTime() ?? 0) - (a.issuedAt?.getTime() ?? 0))[0];
    const issuing = sessions.find((s) => s.state === 'PENDING' || s.state === 'ISSUING');
    const shown = active ?? issuing ?? sessions[0];
    const status: StudentLabStatus = active
      ? issuing
        ? 'renewing'
        : 'ready'
      : !shown || issuing
        ? 'waiting'
        : shown.state === 'FAILED'
          ? 'failed'
          : shown.state === 'REVOKED' || shown.state === 'REVOKING'
            ? 'revoked'
            : 'expired';
    return {
      course: { id: course.id, code: course.code, title: course.title, endsAt: course.endsAt?.toISOString() ?? null },
      status,
      lab: shown
        ? {
            labId: shown.labId,
            labName: shown.lab.name,
            sessionId: shown.id,
            state: shown.state,
            expiresAt: shown.expiresAt?.toISOString() ?? null,
            failureCode: shown.state === 'FAILED' ? shown.failureCode : null,
            failureReason: shown.state === 'FAILED' ? shown.failureReason : null,
            revokeReason: revokeReasonOf(shown),
          }
        : null,
    };
  }

  /** The credentials of one of this student's sessions, for their event stream; null when not (or no longer) ACTIVE. */
  async credentialsForSession(me: StudentActor, sessionId: string): Promise<StudentCredentials | null> {
    // One statement: this runs for every credential pushed to a stream. It also asks whether the token the
    // stream was opened with still opens this enrollment (TokenAuthenticator.isCurrent answers that alone).
    const row = await this.sessions.sealedForStream(me.scope, {
      sessionId,
      studentId: me.studentId,
      courseId: me.courseId,
      enrollmentId: me.enrollmentId,
      tokenHash: me.tokenHash,
      tokenLifetimeMs: this.config.studentTokenLifetimeMs,
    });
    return row ? this.credentialsOf(me, row) : null;
  }

  /** Mints a fresh federation sign-in URL (tokens last 15 minutes, so never stored). */
  async consoleUrl(me: StudentActor): Promise<string> {
    // The session row read for the credentials already carries its template and connection.
    const { session, credentials } = await this.currentSession(me);
    return this.mintFederationUrl(session.lab.template, credentials);
  }

  /** The same for one session of this student (a single-use console link); null once it is no longer ACTIVE. */
  async consoleUrlForSession(me: StudentActor, sessionId: string): Promise<string | null> {
    const session = await this.sessions.findActiveOfStudent(me.scope, sessionId, me.studentId, me.courseId);
    if (
      !session ||
      !session.sealedSecret ||
      !session.sealKeyId ||
      !session.expiresAt ||
      session.expiresAt.getTime() <= Date.now()
    )
      return null;
    const secret = this.secrets.open(session.tenantId, session.id, session.sealKeyId, session.sealedSecret);
    return this.mintFederationUrl(session.lab.template, {
      accessKeyId: session.accessKeyId!,
      ...secret,
      expiration: session.expiresAt.toISOString(),
    });
  }

  private async mintFederationUrl(
    template: {
      consoleDestination: string | null;
      connection: { partition: string; endpointOverride: string | null; roleChaining: boolean | null; region: string };
    },
    creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string },
  ): Promise<string> {
    const { connection } = template;
    const chaining = await this.identity.chains(connection);
    const remaining = Math.floor((new Date(creds.expiration).getTime() - Date.now()) / 1000);
    return this.minter.mint({
      partition: connection.partition,
      endpointOverride: connection.endpointOverride,
      credentials: {
        accessKeyId: creds.accessKeyId,
        secretAccessKey: creds.secretAccessKey,
        sessionToken: creds.sessionToken,
      },
      // Role-chained credentials refuse SessionDuration; otherwise the console lives as long as the keys.
      sessionDurationSeconds: chaining || remaining < 900 ? undefined : Math.min(remaining, 43200),
      issuer: this.config.publicUrl,
      destination: template.consoleDestination ?? defaultConsoleDestination(connection.partition),
    });
  }

  private async credentialsOf(me: StudentActor, session: SealedSessionRow): Promise<StudentCredentials> {
    const secret = this.secrets.open(session.tenantId, session.id, session.sealKeyId!, session.sealedSecret!);
    return {
      sessionId: session.id,
      labId: session.labId,
      labName: session.labName,
      state: 'ACTIVE',
      accessKeyId: session.accessKeyId!,
      secretAccessKey: secret.secretAccessKey,
      sessionToken: secret.sessionToken,
      expiration: session.expiresAt!.toISOString(),
      region: session.region,
      assumedRoleArn: session.assumedRoleArn,
      // Production never points students' tools at an override (see AwsClientsFactory.refuseEndpointOverride).
      endpointUrl: this.config.isProduction ? null : session.endpointOverride,
      // Opens in a browser as is, once, within five minutes; the API route below it needs the bearer token.
      consoleUrl: await this.links.mint(me, session.id),
    };
  }
}
