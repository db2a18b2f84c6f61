import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig } from '@labkeys/config';
import { IdentityProviderSecrets } from '@labkeys/core';
import {
  IdentityProviderRepository,
  MAX_IDENTITY_PROVIDERS,
  UnitOfWork,
  uuidv7,
  type IdentityProvider,
  type IdentityProviderAudience,
  type IdentityProviderChanges,
  type TenantScope,
} from '@labkeys/database';
import type { InstructorActor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { ValidationProblemException } from '../common/problem';
import { SignInLockout } from '../identity/sign-in-lockout';
import type {
  AudienceName,
  CreateIdentityProviderDto,
  IdentityProviderDto,
  IdentityProviderListDto,
  UpdateIdentityProviderDto,
} from './dto/identity-provider.dto';
import { loopbackIssuer, OpenIdRelyingParty, type RelyingPartyClient } from './openid-relying-party';
import { SsoRefusal } from './sso-refusal';

export const CALLBACK_PATH = '/v1/auth/sso/callback';

const AUDIENCE_OF: Record<AudienceName, IdentityProviderAudience> = {
  instructors: 'INSTRUCTORS',
  students: 'STUDENTS',
  both: 'BOTH',
};
const AUDIENCE_NAME: Record<IdentityProviderAudience, AudienceName> = {
  INSTRUCTORS: 'instructors',
  STUDENTS: 'students',
  BOTH: 'both',
};

/** Whether a provider may sign in instructors (or students). */
export const servesInstructors = (a: IdentityProviderAudience) => a === 'INSTRUCTORS' || a === 'BOTH';
export const servesStudents = (a: IdentityProviderAudience) => a === 'STUDENTS' || a === 'BOTH';

/**
 * The owner's school identity providers. The issuer must serve a discovery document when saved; the client
 * secret is sealed bound to tenant and row and never answered. A change that would leave the owner no way to sign
 * in (password sign-in off, no instructor provider admitting them) is refused.
 */
@Injectable()
export class IdentityProvidersService {
  constructor(
    private readonly providers: IdentityProviderRepository,
    private readonly lockout: SignInLockout,
    private readonly secrets: IdentityProviderSecrets,
    private readonly relyingParty: OpenIdRelyingParty,
    private readonly uow: UnitOfWork,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  get redirectUri(): string {
    return `${this.config.publicUrl}${CALLBACK_PATH}`;
  }

  async list(scope: TenantScope): Promise<IdentityProviderListDto> {
    const rows = await this.providers.list(scope);
    return {
      items: rows.map((row) => this.view(row)),
      studentSignInUrl: `${this.config.publicUrl}/student/sso/${scope.tenantId}`,
      instructorSignInUrl: `${this.config.publicUrl}/sign-in?tenant=${scope.tenantId}`,
    };
  }

  async get(scope: TenantScope, id: string): Promise<IdentityProviderDto> {
    return this.view(await this.require(scope, id));
  }

  async create(scope: TenantScope, body: CreateIdentityProviderDto): Promise<IdentityProviderDto> {
    const issuer = normaliseIssuer(body.issuer);
    await this.checkDiscovery({ issuer, clientId: body.clientId, clientSecret: body.clientSecret });
    const id = uuidv7();
    const { sealed, keyId } = this.secrets.seal(scope.tenantId, id, body.clientSecret);
    const row = await this.uow.run(async (tx) => {
      if ((await this.providers.count(scope, tx)) >= MAX_IDENTITY_PROVIDERS)
        throw new ConflictException({ detail: `A tenant has at most ${MAX_IDENTITY_PROVIDERS} identity providers.` });
      if (await this.providers.nameTaken(scope, body.displayName, null, tx))
        throw new ConflictException({ detail: 'An identity provider with this name exists.' });
      const created = await this.providers.create(
        scope,
        {
          id,
          displayName: body.displayName,
          issuer,
          clientId: body.clientId,
          clientSecretSealed: sealed,
          clientSecretKeyId: keyId,
          allowedDomains: body.allowedDomains ?? [],
          emailClaim: body.emailClaim ?? 'email',
          audience: AUDIENCE_OF[body.audience ?? 'both'],
          enabled: body.enabled ?? true,
        },
        tx,
      );
      await this.audit.record(
        scope,
        {
          action: 'identity-provider.created',
          subjectType: 'identity-provider',
          subjectId: id,
          summary: auditSummary(created),
        },
        tx,
      );
      return created;
    });
    return this.view(row);
  }

  async update(me: InstructorActor, id: string, body: UpdateIdentityProviderDto): Promise<IdentityProviderDto> {
    const scope = me.scope;
    const current = await this.require(scope, id);
    const changes: IdentityProviderChanges = {};
    if (body.displayName !== undefined) changes.displayName = body.displayName;
    if (body.issuer !== undefined) changes.issuer = normaliseIssuer(body.issuer);
    if (body.clientId !== undefined) changes.clientId = body.clientId;
    if (body.allowedDomains !== undefined) changes.allowedDomains = body.allowedDomains;
    if (body.emailClaim !== undefined) changes.emailClaim = body.emailClaim;
    if (body.audience !== undefined) changes.audience = AUDIENCE_OF[body.audience];
    if (body.enabled !== undefined) changes.enabled = body.enabled;
    if (body.clientSecret !== undefined) {
      const { sealed, keyId } = this.secrets.seal(scope.tenantId, id, body.clientSecret);
      changes.clientSecretSealed = sealed;
      changes.clientSecretKeyId = keyId;
    }
    if (changes.issuer !== undefined || changes.clientId !== undefined || body.clientSecret !== undefined) {
      await this.checkDiscovery({
        issuer: changes.issuer ?? current.issuer,
        clientId: changes.clientId ?? current.clientId,
        clientSecret: body.clientSecret ?? this.clientSecretOf(current),
      });
    }
    const row = await this.uow.run(async (tx) => {
      if (changes.displayName && (await this.providers.nameTaken(scope, changes.displayName, id, tx)))
        throw new ConflictException({ detail: 'An identity provider with this name exists.' });
      const updated = await this.providers.update(scope, id, changes, tx);
      if (!updated) throw notFound();
      await this.lockout.assertOwnerCanSignIn(me, tx);
      await this.audit.record(
        scope,
        {
          action: 'identity-provider.updated',
          subjectType: 'identity-provider',
          subjectId: id,
          summary: {
            changed: Object.keys(changes).filter((k) => k !== 'clientSecretSealed' && k !== 'clientSecretKeyId'),
            clientSecretReplaced: body.clientSecret !== undefined,
            ...auditSummary(updated),
          },
        },
        tx,
      );
      return updated;
    });
    this.relyingParty.forget(current.issuer);
    return this.view(row);
  }

  async remove(me: InstructorActor, id: string): Promise<void> {
    const scope = me.scope;
    const current = await this.require(scope, id);
    await this.uow.run(async (tx) => {
      if (!(await this.providers.delete(scope, id, tx))) throw notFound();
      await this.lockout.assertOwnerCanSignIn(me, tx);
      await this.audit.record(
        scope,
        {
          action: 'identity-provider.deleted',
          subjectType: 'identity-provider',
          subjectId: id,
          summary: { displayName: current.displayName, issuer: current.issuer },
        },
        tx,
      );
    });
    this.relyingParty.forget(current.issuer);
  }

  /** The client LabKeys is at the provider (the secret unsealed for the call only). */
  clientOf(row: IdentityProvider): RelyingPartyClient {
    return { issuer: row.issuer, clientId: row.clientId, clientSecret: this.clientSecretOf(row) };
  }

  private clientSecretOf(row: IdentityProvider): string {
    return this.secrets.open(row.tenantId, row.id, row.clientSecretKeyId, row.clientSecretSealed);
  }

  private async checkDiscovery(client: RelyingPartyClient): Promise<void> {
    try {
      await this.relyingParty.discover(client);
    } catch (error) {
      if (error instanceof SsoRefusal)
        throw new ValidationProblemException([{ field: 'issuer', message: error.detail }], error.detail);
      throw error;
    }
  }

  private async require(scope: TenantScope, id: string): Promise<IdentityProvider> {
    const row = await this.providers.findById(scope, id);
    if (!row) throw notFound();
    return row;
  }

  private view(row: IdentityProvider): IdentityProviderDto {
    return {
      id: row.id,
      displayName: row.displayName,
      issuer: row.issuer,
      clientId: row.clientId,
      clientSecretSet: true,
      allowedDomains: row.allowedDomains,
      emailClaim: row.emailClaim,
      audience: AUDIENCE_NAME[row.audience],
      enabled: row.enabled,
      redirectUri: this.redirectUri,
      lastTest: row.lastTestAt
        ? {
            at: row.lastTestAt.toISOString(),
            claims: (row.lastTestClaims as Record<string, unknown> | null) ?? null,
            error: row.lastTestError,
          }
        : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}

const notFound = () => new NotFoundException({ detail: 'Identity provider not found.' });

/** No secret, sealed or not, goes into an audit row. */
const auditSummary = (row: IdentityProvider) => ({
  displayName: row.displayName,
  issuer: row.issuer,
  clientId: row.clientId,
  allowedDomains: row.allowedDomains,
  emailClaim: row.emailClaim,
  audience: AUDIENCE_NAME[row.audience],
  enabled: row.enabled,
});

/** The issuer as the owner wrote it (the provider's discovery document must name the same); https unless on this machine. */
function normaliseIssuer(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !loopbackIssuer(url))
    throw new ValidationProblemException([
      { field: 'issuer', message: 'issuer must be https (plain http only for a provider on this machine)' },
    ]);
  if (url.search || url.hash)
    throw new ValidationProblemException([{ field: 'issuer', message: 'issuer must have no query or fragment' }]);
  return raw;
}
