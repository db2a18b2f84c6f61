import type { IssuedSession } from '../sessions/issued-session';
import { awsTimestamp, el, wrap } from '../xml';

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function credentialsXml(s: IssuedSession): string {
  return wrap(
    'Credentials',
    el('AccessKeyId', s.accessKeyId) +
      el('SecretAccessKey', s.secretAccessKey) +
      el('SessionToken', s.sessionToken) +
      el('Expiration', awsTimestamp(s.expiration)),
  );
}

export function assumeRoleResultXml(s: IssuedSession, packedPolicySize: number | undefined): string {
  return (
    credentialsXml(s) +
    wrap('AssumedRoleUser', el('AssumedRoleId', `${s.role?.id}:${s.sessionName}`) + el('Arn', s.assumedRoleArn)) +
    el('PackedPolicySize', packedPolicySize) +
    el('SourceIdentity', s.sourceIdentity)
  );
}

/** AssumeRoleWithWebIdentity's result: AssumeRole's plus the token's subject, the issuer (`iss`) and the audience. */
export function webIdentityResultXml(s: IssuedSession, packedPolicySize: number | undefined): string {
  return (
    credentialsXml(s) +
    el('SubjectFromWebIdentityToken', s.webIdentity?.subject) +
    wrap('AssumedRoleUser', el('AssumedRoleId', `${s.role?.id}:${s.sessionName}`) + el('Arn', s.assumedRoleArn)) +
    el('PackedPolicySize', packedPolicySize) +
    el('Provider', s.webIdentity?.issuer) +
    el('Audience', s.webIdentity?.audience) +
    el('SourceIdentity', s.sourceIdentity)
  );
}
