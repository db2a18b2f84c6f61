import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { ConsoleLinkMinter, defaultConsoleDestination } from '@labkeys/aws';
import { AppConfig } from '@labkeys/config';
import { CallerIdentityCache, SessionSecrets } from '@labkeys/core';
import { PrismaService } from '@labkeys/database';
import type { StudentActor } from '../auth/actor';

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
  ) {}

  /** The newest ACTIVE session; 409 while one is being issued, 410 once all have ended, 404 before any. */
  async current(me: StudentActor): Promise<StudentCredentials> {
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
    if (active) return this.credentialsOf(active);
    if (sessions.some((s) => s.state === 'PENDING' || s.state === 'ISSUING')) {
      throw new ConflictException({ detail: 'Your credentials are being issued; try again in a moment or listen on /v1/me/events.' });
    }
    if (sessions.length > 0) {
      const last = sessions[0];
      throw new GoneException({ detail: `Your lab access has ended (${last.state.toLowerCase()}).`, state: last.state, failureCode: last.failureCode });
    }
    throw new NotFoundException({ detail: 'You have no lab session yet.' });
  }

  /** The credentials of one of this student's sessions, for their event stream; null when not (or no longer) ACTIVE. */
  async credentialsForSession(me: StudentActor, sessionId: string): Promise<StudentCredentials | null> {
    const session = await this.prisma.labSession.findFirst({
      where: { tenantId: me.tenantId, id: sessionId, studentId: me.studentId, lab: { courseId: me.courseId } },
      include: SESSION_INCLUDE,
    });
    if (!session || session.state !== 'ACTIVE' || !session.sealedSecret || !session.sealKeyId) return null;
    return this.credentialsOf(session);
  }

  /** Mints a fresh federation sign-in URL (tokens last 15 minutes, so never stored). */
  async consoleUrl(me: StudentActor): Promise<string> {
    const creds = await this.current(me);
    const session = await this.prisma.labSession.findFirstOrThrow({ where: { tenantId: me.tenantId, id: creds.sessionId }, include: SESSION_INCLUDE });
    const connection = session.lab.template.connection;
    const chaining = connection.roleChaining === true || (await this.identity.isRoleChaining(connection));
    const remaining = Math.floor((new Date(creds.expiration).getTime() - Date.now()) / 1000);
    return this.minter.mint({
      partition: connection.partition as never,
      endpointOverride: connection.endpointOverride,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken },
      // Role-chained credentials refuse SessionDuration; otherwise the console lives as long as the keys.
      sessionDurationSeconds: chaining || remaining < 900 ? undefined : Math.min(remaining, 43200),
      issuer: this.config.publicUrl,
      destination: session.lab.template.consoleDestination ?? defaultConsoleDestination(connection.partition as never),
    });
  }

  private credentialsOf(session: SessionWithLab): StudentCredentials {
    const secret = this.secrets.open(session.tenantId, session.id, session.sealKeyId!, session.sealedSecret!);
    const connection = session.lab.template.connection;
    return {
      sessionId: session.id,
      labId: session.labId,
      labName: session.lab.name,
      state: 'ACTIVE',
      accessKeyId: session.accessKeyId!,
      secretAccessKey: secret.secretAccessKey,
      sessionToken: secret.sessionToken,
      expiration: session.expiresAt!.toISOString(),
      region: connection.region,
      assumedRoleArn: session.assumedRoleArn,
      endpointUrl: connection.endpointOverride,
      consoleUrl: `${this.config.publicUrl}/v1/me/sessions/current/console`,
    };
  }
}

type SessionWithLab = NonNullable<Awaited<ReturnType<PrismaService['labSession']['findFirst']>>> & {
  lab: { name: string; template: { consoleDestination: string | null; connection: { region: string; endpointOverride: string | null; partition: string } } };
};
