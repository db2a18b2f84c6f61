import { api, unwrap, type Schemas } from './client';

export type Session = Schemas['SessionDto'];
export type SessionState = Session['state'];
export type Role = Session['instructor']['role'];
export type Invitation = Schemas['InvitationDto'];
export type AccountToken = Schemas['ApiTokenDto'];

/** A school the email belongs to, from sign-in's 409 answer when it belongs to several. */
export interface TenantChoice {
  id: string;
  name: string;
}

/** The identity routes of the api (apps/api/src/identity), through the typed client. */
export const auth = {
  session: () => unwrap(api.GET('/v1/auth/session')),
  signIn: (body: Schemas['SignInDto']) => unwrap(api.POST('/v1/auth/sign-in', { body })),
  verifyMfa: (body: Schemas['MfaVerifyDto']) => unwrap(api.POST('/v1/auth/mfa/verify', { body })),
  stepUp: (code: string) => unwrap(api.POST('/v1/auth/step-up', { body: { code } })),
  signOut: () => unwrap(api.POST('/v1/auth/sign-out')),
  signOutEverywhere: () => unwrap(api.POST('/v1/auth/sign-out-everywhere')),
  inspectInvitation: (token: string) => unwrap(api.POST('/v1/auth/invitations/inspect', { body: { token } })),
  acceptInvitation: (body: Schemas['AcceptInvitationDto']) => unwrap(api.POST('/v1/auth/invitations/accept', { body })),
  startEnrolment: () => unwrap(api.POST('/v1/account/mfa/enrolment')),
  confirmEnrolment: (code: string) => unwrap(api.POST('/v1/account/mfa/enrolment/confirm', { body: { code } })),
  disableMfa: () => unwrap(api.DELETE('/v1/account/mfa')),
  changePassword: (body: Schemas['ChangePasswordDto']) => unwrap(api.POST('/v1/account/password', { body })),
  listTokens: () => unwrap(api.GET('/v1/account/tokens', { params: { query: { limit: 100 } } })),
  createToken: (body: Schemas['CreateAccountTokenDto']) => unwrap(api.POST('/v1/account/tokens', { body })),
  revokeToken: (tokenId: string) =>
    unwrap(api.DELETE('/v1/account/tokens/{tokenId}', { params: { path: { tokenId } } })),
  listInvitations: () => unwrap(api.GET('/v1/invitations', { params: { query: { limit: 100 } } })),
  invite: (body: Schemas['CreateInvitationDto']) => unwrap(api.POST('/v1/invitations', { body })),
  revokeInvitation: (invitationId: string) =>
    unwrap(api.DELETE('/v1/invitations/{invitationId}', { params: { path: { invitationId } } })),
  setTenantMfa: (mfaRequired: boolean) => unwrap(api.PATCH('/v1/tenant', { body: { mfaRequired } })),
};

export type IdentityProvider = Schemas['IdentityProviderDto'];
export type IdentityProviderInput = Schemas['CreateIdentityProviderDto'];
export type Tenant = Schemas['TenantDto'];
export type SignInOptions = Schemas['TenantSignInOptionsDto'];

/** School sign-in (apps/api/src/sso): a tenant's identity providers, its sign-in settings and sign-in options. */
export const sso = {
  options: (tenantId: string, audience: 'instructors' | 'students') =>
    unwrap(
      api.GET('/v1/auth/sso/tenants/{tenantId}', {
        params: { path: { tenantId }, query: { for: audience } },
      }),
    ),
  tenant: () => unwrap(api.GET('/v1/tenant')),
  updateTenant: (body: Schemas['UpdateTenantDto']) => unwrap(api.PATCH('/v1/tenant', { body })),
  list: () => unwrap(api.GET('/v1/identity-providers')),
  create: (body: IdentityProviderInput) => unwrap(api.POST('/v1/identity-providers', { body })),
  update: (providerId: string, body: Schemas['UpdateIdentityProviderDto']) =>
    unwrap(api.PATCH('/v1/identity-providers/{providerId}', { params: { path: { providerId } }, body })),
  remove: (providerId: string) =>
    unwrap(api.DELETE('/v1/identity-providers/{providerId}', { params: { path: { providerId } } })),
  testSignIn: (providerId: string) =>
    unwrap(api.POST('/v1/identity-providers/{providerId}/test-sign-in', { params: { path: { providerId } } })),
};

/** Plain words for the codes a refused school sign-in comes back with (`?sso_error=`); the api's detail follows. */
export const SSO_PROBLEMS: Record<string, string> = {
  attempt_unknown: 'That sign-in was already used, took more than ten minutes, or did not start here. Try again.',
  browser_mismatch: 'That sign-in was started in another browser. Start it again in this one.',
  provider_error: 'Your school’s sign-in refused.',
  access_denied: 'The sign-in was cancelled or not allowed at your school.',
  code_missing: 'Your school’s sign-in came back incomplete. Try again.',
  code_rejected: 'Your school’s sign-in refused the sign-in code. Try again.',
  id_token_invalid: 'Your school’s sign-in sent an answer LabKeys cannot trust.',
  id_token_expired: 'Your school’s sign-in sent an answer that has already expired. Check the clock and try again.',
  email_missing: 'Your school’s sign-in did not say your email address.',
  email_unverified: 'Your school has not verified this email address, so LabKeys cannot use it.',
  domain_not_allowed: 'This account is not one of your school’s addresses.',
  no_account:
    'There is no LabKeys instructor account for this email at this school. Ask the school’s owner for an invitation.',
  no_enrollment: 'You signed in, but you are not in any current course at this school. Ask your instructor to add you.',
  provider_unavailable: 'This sign-in is not offered (any more).',
  provider_unreachable: 'LabKeys could not reach your school’s sign-in. Try again later.',
};
