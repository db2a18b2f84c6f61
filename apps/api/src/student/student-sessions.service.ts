import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { ConsoleLinkMinter, defaultConsoleDestination } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { CallerIdentityCache, SessionSecrets } from '@labkeys/core';
import { PrismaService } from '@labkeys/database';
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

const SESSION_INCLUDE = { lab: { include: { template: { include: { connection: true } } } } } as const;

/**
 * A student's own current session, in their enrollment's course. Secrets are
 * unsealed only here, at the moment they are handed to that student.
 */
@Injectable()
export class StudentSessionsService {
  constructor(
    private readonly prisma: PrismaService,
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
    const sessions = await this.prisma.labSession.findMany({
      where: { tenantId: me.tenantId, studentId: me.studentId, lab: { courseId: me.courseId } },
      orderBy: [{ createdAt: 'desc' }],
      take: 20,
      include: SESSION_INCLUDE,
    });
    const now = Date.now();
    const active = sessions
      .filter((s) => s.state === 'ACTIVE' && s.expiresAt && s.expiresAt.getTime() > now && s.sealedSecret && s.sealKeyId)
      .sort((a, b) => (b.issuedAt?.getTime() ?? 0) - (a.issuedAt?.getTime() ?? 0))[0];
    if (active) {
      const { connection } = active.lab.template;
      const credentials = await this.credentialsOf(me, { ...active, labName: active.lab.name, region: connection.region, endpointOverride: connection.endpointOverride });
      return { session: active, credentials };
    }
    if (sessions.some((s) => s.state === 'PENDING' || s.state === 'ISSUING')) {
      throw new ConflictException({ detail: 'Your credentials are being issued; try again in a moment or listen on /v1/me/events.' });
    }
    if (sessions.length > 0) {
      const last = sessions[0];
      const detail =
        last.state === 'FAILED'
          ? `Your credentials could not be issued (${last.failureCode ?? 'failed'}: ${last.failureReason ?? 'no reason recorded'}).`
          : `Your lab access has ended (${last.state.toLowerCase()}).`;
      throw new GoneException({ detail, state: last.state, failureCode: last.failureCode, failureReason: last.state === 'FAILED' ? last.failureReason : null });
    }
    throw new NotFoundException({ detail: 'You have no lab session yet.' });
  }

  /**
   * Where this student stands, for their page: the course, and the newest live session (else the last one) with
   * its status — waiting, ready, renewing (ACTIVE while its successor is being issued) or how it ended.
   */
  async summary(me: StudentActor): Promise<{ course: StudentCourseDto; status: StudentLabStatus; lab: StudentLabDto | null }> {
    const [course, sessions] = await Promise.all([
      this.prisma.course.findFirstOrThrow({ where: { tenantId: me.tenantId, id: me.courseId }, select: { id: true, code: true, title: true, endsAt: true } }),
      this.prisma.labSession.findMany({
        where: { tenantId: me.tenantId, studentId: me.studentId, lab: { courseId: me.courseId } },
        orderBy: [{ createdAt: 'desc' }],
        take: 20,
        select: { id: true, labId: true, state: true, expiresAt: true, issuedAt: true, failureCode: true, failureReason: true, lab: { select: { name: true } } },
      }),
    ]);
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
          }
        : null,
    };
  }

  /** The credentials of one of this student's sessions, for their event stream; null when not (or no longer) ACTIVE. */
  async credentialsForSession(me: StudentActor, sessionId: string): Promise<StudentCredentials | null> {
    // One statement: this runs for every credential pushed to a stream. It also asks whether the token the
    // stream was opened with still opens this enrollment (TokenAuthenticator.isCurrent answers that alone).
    const lifetimeMs = this.config.studentTokenLifetimeMs;
    const [row] = await this.prisma.$queryRaw<SealedRow[]>`
      SELECT s.id, s.tenant_id AS "tenantId", s.lab_id AS "labId", s.access_key_id AS "accessKeyId", s.sealed_secret AS "sealedSecret",
             s.seal_key_id AS "sealKeyId", s.expires_at AS "expiresAt", s.assumed_role_arn AS "assumedRoleArn",
             l.name AS "labName", c.region, c.endpoint_override AS "endpointOverride"
        FROM lab_sessions s
        JOIN labs l ON l.tenant_id = s.tenant_id AND l.id = s.lab_id
        JOIN role_templates t ON t.tenant_id = l.tenant_id AND t.id = l.template_id
        JOIN aws_connections c ON c.tenant_id = t.tenant_id AND c.id = t.connection_id
        JOIN enrollments e ON e.tenant_id = s.tenant_id AND e.id = ${me.enrollmentId}::uuid
        JOIN courses co ON co.tenant_id = e.tenant_id AND co.id = e.course_id
        JOIN students st ON st.tenant_id = s.tenant_id AND st.id = s.student_id
       WHERE s.tenant_id = ${me.tenantId}::uuid AND s.id = ${sessionId}::uuid AND s.student_id = ${me.studentId}::uuid
         AND l.course_id = ${me.courseId}::uuid AND s.state = 'ACTIVE' AND s.sealed_secret IS NOT NULL
         AND e.access_token_hash = ${me.tokenHash} AND e.unenrolled_at IS NULL AND co.archived_at IS NULL AND st.deleted_at IS NULL
         AND COALESCE(co.ends_at, COALESCE(e.token_issued_at, 'epoch'::timestamptz) + ${lifetimeMs} * interval '1 millisecond') > now()`;
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
    const session = await this.prisma.labSession.findFirst({
      where: { tenantId: me.tenantId, id: sessionId, studentId: me.studentId, state: 'ACTIVE', lab: { courseId: me.courseId } },
      include: SESSION_INCLUDE,
    });
    if (!session || !session.sealedSecret || !session.sealKeyId || !session.expiresAt || session.expiresAt.getTime() <= Date.now()) return null;
    const secret = this.secrets.open(session.tenantId, session.id, session.sealKeyId, session.sealedSecret);
    return this.mintFederationUrl(session.lab.template, { accessKeyId: session.accessKeyId!, ...secret, expiration: session.expiresAt.toISOString() });
  }

  private async mintFederationUrl(
    template: { consoleDestination: string | null; connection: { partition: string; endpointOverride: string | null; roleChaining: boolean | null; region: string } },
    creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string },
  ): Promise<string> {
    const { connection } = template;
    const chaining = connection.roleChaining === true || (await this.identity.isRoleChaining(connection));
    const remaining = Math.floor((new Date(creds.expiration).getTime() - Date.now()) / 1000);
    return this.minter.mint({
      partition: connection.partition as never,
      endpointOverride: connection.endpointOverride,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      // Role-chained credentials refuse SessionDuration; otherwise the console lives as long as the keys.
      sessionDurationSeconds: chaining || remaining < 900 ? undefined : Math.min(remaining, 43200),
      issuer: this.config.publicUrl,
      destination: template.consoleDestination ?? defaultConsoleDestination(connection.partition as never),
    });
  }

  private async credentialsOf(me: StudentActor, session: SealedRow): Promise<StudentCredentials> {
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

/** What handing out a session's credentials needs. */
interface SealedRow {
  id: string;
  tenantId: string;
  labId: string;
  labName: string;
  accessKeyId: string | null;
  sealedSecret: Uint8Array | null;
  sealKeyId: string | null;
  expiresAt: Date | null;
  assumedRoleArn: string | null;
  region: string;
  endpointOverride: string | null;
}
