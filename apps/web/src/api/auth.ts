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
