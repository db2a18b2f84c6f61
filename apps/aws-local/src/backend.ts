import { Authorizer } from './authz/authorizer';
import { Clock } from './clock';
import { JwksClient } from './oidc/jwks-client';
import { SessionStore } from './sessions/session-store';
import type { IamWorld } from './world/iam-world';

/** The shared state every handler works on. */
export class Backend {
  readonly sessions = new SessionStore();
  readonly authorizer: Authorizer;
  /** OIDC issuers' signing keys, fetched and cached for AssumeRoleWithWebIdentity. */
  readonly jwks: JwksClient;

  constructor(
    readonly world: IamWorld,
    readonly clock: Clock,
  ) {
    this.authorizer = new Authorizer(world, clock);
    this.jwks = new JwksClient(clock);
  }
}
