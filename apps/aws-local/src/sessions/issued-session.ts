import type { IamUser } from '../world/iam-entities';

/** Temporary credentials issued by STS, with everything authorization later needs to know about them. */
export interface IssuedSession {
  kind: 'assumed-role' | 'session-token';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  account: string;
  issuedAt: Date;
  expiration: Date;
  /** ARN of the identity that called STS. */
  callerArn: string;
  /** Issued to a caller that was itself an assumed role (role chaining). */
  chained: boolean;
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  sourceIdentity?: string;
  sessionPolicy?: string;
  policyArns: string[];
  role?: { arn: string; name: string; id: string; account: string };
  sessionName?: string;
  assumedRoleArn?: string;
  /** For GetSessionToken credentials: the IAM user they act as. */
  userName?: string;
  /** For AssumeRoleWithWebIdentity credentials: the provider that vouched for them and the token's claims. */
  webIdentity?: { providerArn: string; issuer: string; subject: string; audience: string };
}

/** Who signed a request, once the signature and credentials have been checked. */
export type Principal =
  | { kind: 'user'; account: string; user: IamUser; accessKeyId: string }
  | { kind: 'assumed-role'; account: string; session: IssuedSession }
  | { kind: 'session-token'; account: string; user: IamUser; session: IssuedSession };

export function principalArn(p: Principal): string {
  return p.kind === 'assumed-role' ? (p.session.assumedRoleArn as string) : p.user.arn;
}

/** `aws:userid` and GetCallerIdentity's UserId: `AIDA…` for users, `AROA…:session` for assumed roles. */
export function principalUserId(p: Principal): string {
  return p.kind === 'assumed-role' ? `${p.session.role?.id}:${p.session.sessionName}` : p.user.userId;
}
