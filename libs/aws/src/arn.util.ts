export interface RoleArnParts {
  partition: string;
  accountId: string;
  /** `/` or `/path/`, as IAM stores it. */
  path: string;
  roleName: string;
}

const ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):iam::(\d{12}):role(\/(?:[\u0021-\u007e]{0,510}\/)?)([\w+=,.@-]{1,64})$/;
const ASSUMED_ROLE_ARN = /^arn:(aws(?:-[a-z]+)*):sts::(\d{12}):assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]+)$/;

/** The parts of an IAM role ARN, or null when the value is not one. */
export function parseRoleArn(arn: string): RoleArnParts | null {
  if (arn.length < 20 || arn.length > 2048) return null;
  const match = ROLE_ARN.exec(arn);
  if (!match) return null;
  return { partition: match[1], accountId: match[2], path: match[3], roleName: match[4] };
}

export function roleArn(parts: RoleArnParts): string {
  return `arn:${parts.partition}:iam::${parts.accountId}:role${parts.path}${parts.roleName}`;
}

/**
 * True when an identity ARN is an assumed-role session: such a caller is role chaining whenever it assumes
 * another role, which caps sessions at one hour and forbids SessionDuration at the federation endpoint.
 */
export function isAssumedRoleArn(arn: string): boolean {
  return ASSUMED_ROLE_ARN.test(arn);
}

/** `arn:aws:sts::1:assumed-role/Name/session` → role name `Name` (IAM does not put the path in it). */
export function assumedRoleName(arn: string): string | null {
  return ASSUMED_ROLE_ARN.exec(arn)?.[3] ?? null;
}
