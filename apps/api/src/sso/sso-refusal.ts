/** Why a sign-in through an identity provider was refused: a stable code (for pages and clients) and plain words. */
export type SsoRefusalCode =
  | 'attempt_unknown'
  | 'browser_mismatch'
  | 'provider_error'
  | 'access_denied'
  | 'code_missing'
  | 'code_rejected'
  | 'id_token_invalid'
  | 'id_token_expired'
  | 'email_missing'
  | 'email_unverified'
  | 'domain_not_allowed'
  | 'no_account'
  | 'no_enrollment'
  | 'provider_unavailable'
  | 'provider_unreachable'
  | 'cli_code_unknown';

/** The HTTP status of each refusal for API clients: a person's or the provider's doing is 4xx, never 5xx. */
const STATUS: Record<SsoRefusalCode, number> = {
  attempt_unknown: 400,
  browser_mismatch: 400,
  provider_error: 400,
  access_denied: 403,
  code_missing: 400,
  code_rejected: 400,
  id_token_invalid: 400,
  id_token_expired: 400,
  email_missing: 403,
  email_unverified: 403,
  domain_not_allowed: 403,
  no_account: 403,
  no_enrollment: 403,
  provider_unavailable: 404,
  provider_unreachable: 424,
  cli_code_unknown: 400,
};

export class SsoRefusal extends Error {
  constructor(
    readonly code: SsoRefusalCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'SsoRefusal';
  }

  get status(): number {
    return STATUS[this.code];
  }
}
