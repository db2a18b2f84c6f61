import { send } from './client';

export type SessionState = 'signed-in' | 'mfa-required' | 'mfa-enrolment-required';
export type Role = 'OWNER' | 'INSTRUCTOR' | 'ASSISTANT';

/** What `/v1/auth/session` and every sign-in step answer. */
export interface Session {
  state: SessionState;
  csrfToken: string;
  instructor: { id: string; email: string; name: string | null; role: Role; mfaEnabled: boolean };
  tenant: { id: string; name: string; mfaRequired: boolean };
  stepUpUntil: string | null;
}

export interface TenantChoice {
  id: string;
  name: string;
}

export interface InvitationInfo {
  email: string;
  role: Role;
  tenantName: string;
  expiresAt: string;
}

const json = (body: unknown) => JSON.stringify(body);
const JSON_TYPE = 'application/json';

export const auth = {
  session: () => send<Session>('GET', '/v1/auth/session'),
  signIn: (body: { email: string; password: string; tenantId?: string }) => send<Session>('POST', '/v1/auth/sign-in', json(body), JSON_TYPE),
  verifyMfa: (body: { code: string } | { recoveryCode: string }) => send<Session>('POST', '/v1/auth/mfa/verify', json(body), JSON_TYPE),
  stepUp: (code: string) => send<Session>('POST', '/v1/auth/step-up', json({ code }), JSON_TYPE),
  signOut: () => send<void>('POST', '/v1/auth/sign-out'),
  signOutEverywhere: () => send<void>('POST', '/v1/auth/sign-out-everywhere'),
  inspectInvitation: (token: string) => send<InvitationInfo>('POST', '/v1/auth/invitations/inspect', json({ token }), JSON_TYPE),
  acceptInvitation: (body: { token: string; password: string; name?: string }) => send<Session>('POST', '/v1/auth/invitations/accept', json(body), JSON_TYPE),
  startEnrolment: () => send<{ secret: string; otpauthUrl: string }>('POST', '/v1/account/mfa/enrolment'),
  confirmEnrolment: (code: string) => send<{ recoveryCodes: string[] }>('POST', '/v1/account/mfa/enrolment/confirm', json({ code }), JSON_TYPE),
  disableMfa: () => send<void>('DELETE', '/v1/account/mfa'),
  changePassword: (body: { currentPassword: string; newPassword: string }) => send<void>('POST', '/v1/account/password', json(body), JSON_TYPE),
  listTokens: () => send<{ items: AccountToken[]; nextCursor?: string | null }>('GET', '/v1/account/tokens'),
  createToken: (body: { name: string; expiresAt?: string }) => send<{ id: string; token: string; displayPrefix: string; expiresAt?: string | null }>('POST', '/v1/account/tokens', json(body), JSON_TYPE),
  revokeToken: (id: string) => send<void>('DELETE', `/v1/account/tokens/${encodeURIComponent(id)}`),
  listInvitations: () => send<{ items: Invitation[]; nextCursor?: string | null }>('GET', '/v1/invitations'),
  invite: (body: { email: string; role: Role; name?: string }) => send<Invitation & { link?: string; token?: string }>('POST', '/v1/invitations', json(body), JSON_TYPE),
  revokeInvitation: (id: string) => send<void>('DELETE', `/v1/invitations/${encodeURIComponent(id)}`),
  setTenantMfa: (mfaRequired: boolean) => send<unknown>('PATCH', '/v1/tenant', json({ mfaRequired }), JSON_TYPE),
};

export interface AccountToken {
  id: string;
  name: string;
  displayPrefix: string;
  expiresAt?: string | null;
  revokedAt?: string | null;
  lastUsedAt?: string | null;
  createdAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  acceptedAt?: string | null;
  createdAt?: string;
}
