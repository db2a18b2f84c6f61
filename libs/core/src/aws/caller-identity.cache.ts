import { Injectable } from '@nestjs/common';
import { StsGateway, type AwsConnectionTarget } from '@labkeys/aws';

/**
 * Whether LabKeys' own identity is an assumed role, per STS endpoint. When it
 * is, every AssumeRole is role chaining: sessions are capped at one hour and
 * console links must not ask for a SessionDuration. AssumeRoleWithWebIdentity is
 * never role chaining, and a web identity connection needs no AWS identity to ask.
 */
@Injectable()
export class CallerIdentityCache {
  private readonly chained = new Map<string, Promise<boolean>>();

  constructor(private readonly sts: StsGateway) {}

  /** Chaining as the connection's last verification found it, or else as STS answers for LabKeys' identity. */
  async chains(
    connection: Pick<AwsConnectionTarget, 'region' | 'endpointOverride' | 'mode'> & { roleChaining: boolean | null },
  ): Promise<boolean> {
    return connection.roleChaining === true || (await this.isRoleChaining(connection));
  }

  isRoleChaining(target: Pick<AwsConnectionTarget, 'region' | 'endpointOverride' | 'mode'>): Promise<boolean> {
    if (target.mode === 'WEB_IDENTITY') return Promise.resolve(false);
    const key = `${target.region}|${target.endpointOverride ?? ''}`;
    let answer = this.chained.get(key);
    if (!answer) {
      answer = this.sts.callerIdentity(target).then((identity) => identity.isAssumedRole);
      // A failed look-up is not remembered; the next issuance asks again.
      answer.catch(() => this.chained.delete(key));
      this.chained.set(key, answer);
    }
    return answer;
  }
}
