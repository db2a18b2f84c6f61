import type { StudentCredentials } from './student-sessions.service';

export const CREDENTIAL_FORMATS = ['json', 'env', 'ini', 'process'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/** The formats the AWS CLI and SDKs read. */
export function renderCredentials(creds: StudentCredentials, format: CredentialFormat, profile: string): { contentType: string; body: string } {
  switch (format) {
    case 'env':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: [
          `export AWS_ACCESS_KEY_ID=${creds.accessKeyId}`,
          `export AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}`,
          `export AWS_SESSION_TOKEN=${creds.sessionToken}`,
          `export AWS_REGION=${creds.region}`,
          `export AWS_DEFAULT_REGION=${creds.region}`,
          ...(creds.endpointUrl ? [`export AWS_ENDPOINT_URL=${creds.endpointUrl}`] : []),
          `# expires ${creds.expiration}`,
          '',
        ].join('\n'),
      };
    case 'ini':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: [
          `# LabKeys ${creds.labName}; expires ${creds.expiration}`,
          `[${profile}]`,
          `aws_access_key_id = ${creds.accessKeyId}`,
          `aws_secret_access_key = ${creds.secretAccessKey}`,
          `aws_session_token = ${creds.sessionToken}`,
          '',
        ].join('\n'),
      };
    case 'process':
      // credential_process v1: clients call again once Expiration passes.
      return {
        contentType: 'application/json',
        body: JSON.stringify({
          Version: 1,
          AccessKeyId: creds.accessKeyId,
          SecretAccessKey: creds.secretAccessKey,
          SessionToken: creds.sessionToken,
          Expiration: creds.expiration,
        }),
      };
    default:
      return { contentType: 'application/json', body: JSON.stringify(creds) };
  }
}
