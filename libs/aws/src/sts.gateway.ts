import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  type AssumeRoleCommandInput,
  type AssumeRoleCommandOutput,
  type AssumeRoleWithWebIdentityCommandInput,
} from '@aws-sdk/client-sts';
import { isAssumedRoleArn } from './arn.util';
import { AwsCallError, awsCall } from './aws-call.error';
import type { AwsClientsFactory } from './aws-clients.factory';
import type { AwsConnectionTarget, TemporaryCredentials } from './aws-connection.types';

export interface AssumedRole extends TemporaryCredentials {
  expiration: Date;
  /** `AROA…:<session name>`; revocation can deny this exact session by `aws:userid`. */
  assumedRoleId: string;
  assumedRoleArn: string;
  /** Percentage of the packed-policy limit the session policy and tags used, when STS reports it. */
  packedPolicySize?: number;
}

export interface CallerIdentity {
  arn: string;
  account: string;
  userId: string;
  /** LabKeys itself runs as an assumed role: every AssumeRole it makes is role chaining (1-hour cap). */
  isAssumedRole: boolean;
}

type StsTarget = Pick<AwsConnectionTarget, 'region' | 'endpointOverride'>;

/** STS calls made with LabKeys' own identity; every failure surfaces as a classified AwsCallError. */
export class StsGateway {
  constructor(private readonly clients: AwsClientsFactory) {}

  async assumeRole(target: StsTarget, input: AssumeRoleCommandInput): Promise<AssumedRole> {
    return toAssumedRole(await awsCall(() => this.clients.sts(target).send(new AssumeRoleCommand(input))));
  }

  /**
   * Unsigned, as AWS defines the call (the SDK's auth scheme for it is noAuth): the token is the only
   * credential, so no AWS key of LabKeys' own is needed or resolved.
   */
  async assumeRoleWithWebIdentity(
    target: StsTarget,
    input: AssumeRoleWithWebIdentityCommandInput,
  ): Promise<AssumedRole> {
    return toAssumedRole(
      await awsCall(() => this.clients.sts(target).send(new AssumeRoleWithWebIdentityCommand(input))),
    );
  }

  async callerIdentity(target: StsTarget): Promise<CallerIdentity> {
    const out = await awsCall(() => this.clients.sts(target).send(new GetCallerIdentityCommand({})));
    if (!out.Arn || !out.Account || !out.UserId) throw incomplete('GetCallerIdentity');
    return { arn: out.Arn, account: out.Account, userId: out.UserId, isAssumedRole: isAssumedRoleArn(out.Arn) };
  }
}

function toAssumedRole(
  out: Pick<AssumeRoleCommandOutput, 'Credentials' | 'AssumedRoleUser' | 'PackedPolicySize'>,
): AssumedRole {
  const c = out.Credentials;
  const user = out.AssumedRoleUser;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration || !user?.AssumedRoleId || !user.Arn) {
    throw incomplete('AssumeRole');
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
    assumedRoleId: user.AssumedRoleId,
    assumedRoleArn: user.Arn,
    ...(out.PackedPolicySize !== undefined && { packedPolicySize: out.PackedPolicySize }),
  };
}

// A 200 without the members AWS always sends is a broken answer, not a refusal: worth retrying.
function incomplete(operation: string): AwsCallError {
  return new AwsCallError('IncompleteResponse', `${operation} answered without the expected members`, null, true);
}
