import { ConflictException, GoneException, Injectable, NotFoundException } from '@nestjs/common';
import { InvitationIssuer, invitationTokenHash, type IssuedInvitation } from '@labkeys/core';
import {
  InstructorCredentialRepository,
  InstructorRepository,
  InvitationRepository,
  tenantScopeOf,
  UnitOfWork,
  type InstructorInvitation,
  type InstructorRole,
  type OpenInvitation,
  type Page,
  type PageRequest,
} from '@labkeys/database';
import { type InstructorActor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from './passwords';
import { WebSessions, type CurrentSession } from './web-sessions.service';

export type InvitationState = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationView {
  id: string;
  email: string;
  role: InstructorRole;
  state: InvitationState;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const gone = () =>
  new GoneException({
    detail: 'This invitation link was used, revoked or has expired; ask the tenant owner for a new one.',
  });

/** Owners invite instructors; an invitee sets a password through the link (once) and is signed in. */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly invitations: InvitationRepository,
    private readonly issuer: InvitationIssuer,
    private readonly instructors: InstructorRepository,
    private readonly credentials: InstructorCredentialRepository,
    private readonly passwords: PasswordHasher,
    private readonly sessions: WebSessions,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
  ) {}

  async create(me: InstructorActor, input: { email: string; role: InstructorRole }): Promise<IssuedInvitation> {
    const scope = me.scope;
    return this.uow.run(async (tx) => {
      const existing = await this.instructors.findByEmail(scope, input.email, tx);
      if (existing) {
        if (existing.disabledAt)
          throw new ConflictException({
            detail: 'This instructor is disabled; enable them first.',
            errors: [{ field: 'email', message: 'instructor is disabled' }],
          });
        if (await this.credentials.find(scope, existing.id, tx)) {
          throw new ConflictException({
            detail: 'This instructor can sign in already.',
            errors: [{ field: 'email', message: 'instructor has a password already' }],
          });
        }
        if (existing.role !== input.role) {
          throw new ConflictException({
            detail: `This instructor exists with role ${existing.role}; change the role with PATCH /v1/instructors/${existing.id} first.`,
            errors: [{ field: 'role', message: `must be ${existing.role}, the instructor's role` }],
          });
        }
      }
      const issued = await this.issuer.issue(
        scope,
        { email: input.email, role: input.role, instructorId: existing?.id ?? null, invitedBy: me.instructorId },
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'invitation.created',
          subjectType: 'invitation',
          subjectId: issued.id,
          summary: { email: issued.email, role: issued.role },
        },
        tx,
      );
      return issued;
    });
  }

  async list(me: InstructorActor, page: PageRequest): Promise<Page<InvitationView>> {
    const rows = await this.invitations.list(me.scope, page);
    return { items: rows.items.map(toView), nextCursor: rows.nextCursor };
  }

  async revoke(me: InstructorActor, id: string): Promise<void> {
    const scope = me.scope;
    await this.uow.run(async (tx) => {
      const row = await this.invitations.find(scope, id, tx);
      if (!row) throw new NotFoundException({ detail: 'Invitation not found.' });
      if (await this.invitations.revoke(scope, id, tx)) {
        await this.audit.record(
          scope,
          { action: 'invitation.revoked', subjectType: 'invitation', subjectId: id, summary: { email: row.email } },
          tx,
        );
      }
    });
  }

  async inspect(token: string): Promise<{ email: string; role: InstructorRole; tenantName: string; expiresAt: Date }> {
    const open = await this.open(token);
    return { email: open.email, role: open.role, tenantName: open.tenantName, expiresAt: open.expiresAt };
  }

  /** Uses the link up, sets the password (of the instructor it names, or a new one) and signs them in. */
  async accept(input: { token: string; password: string; name?: string }): Promise<CurrentSession> {
    const open = await this.open(input.token);
    const passwordHash = await this.passwords.hash(input.password);
    const scope = tenantScopeOf(open.tenantId);
    const instructorId = await this.uow.run(async (tx) => {
      if (!(await this.invitations.claim(scope, open.id, tx))) throw gone();
      let instructor = open.instructorId
        ? await this.instructors.findById(scope, open.instructorId, tx)
        : await this.instructors.findByEmail(scope, open.email, tx);
      if (instructor?.disabledAt) throw gone();
      if (instructor && (await this.credentials.find(scope, instructor.id, tx))) {
        throw new ConflictException({ detail: 'This account has a password already; sign in instead.' });
      }
      instructor ??= await this.instructors.create(
        scope,
        { email: open.email, name: input.name ?? null, role: open.role },
        tx,
      );
      if (input.name && !instructor.name) await this.instructors.setName(scope, instructor.id, input.name, tx);
      await this.credentials.setPassword(scope, instructor.id, passwordHash, tx);
      await this.invitations.setInstructor(scope, open.id, instructor.id, tx);
      await this.audit.recordAs(
        instructor.id,
        scope,
        {
          action: 'invitation.accepted',
          subjectType: 'invitation',
          subjectId: open.id,
          summary: { instructorId: instructor.id },
        },
        tx,
      );
      return instructor.id;
    });
    return this.sessions.require(await this.sessions.start(scope, instructorId, { mfaVerified: false }));
  }

  private async open(token: string): Promise<OpenInvitation> {
    const open = await this.invitations.systemFindOpenByHash(invitationTokenHash(token));
    if (!open) throw gone();
    return open;
  }
}

function toView(row: InstructorInvitation): InvitationView {
  const state: InvitationState = row.acceptedAt
    ? 'accepted'
    : row.revokedAt
      ? 'revoked'
      : row.expiresAt.getTime() <= Date.now()
        ? 'expired'
        : 'pending';
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    state,
    expiresAt: row.expiresAt,
    acceptedAt: row.acceptedAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  };
}
