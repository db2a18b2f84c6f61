import { ListBucketsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { AwsLocal } from '@labkeys/aws-local';
import { LAB_ROLE_ARN } from '../support/aws-world';

export interface Creds {
  sessionId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** AWS's verdict on a session's credentials, for calls that were allowed while it was live. */
export function explicitlyDenied(aws: AwsLocal, accessKeyId: string): boolean {
  const checks: [string, string][] = [
    ['s3:ListBucket', 'arn:aws:s3:::class-bucket'],
    ['s3:ListAllMyBuckets', '*'],
    ['iam:GetRole', LAB_ROLE_ARN],
  ];
  return checks.every(([action, resource]) => aws.authorize(accessKeyId, action, resource)?.decision === 'deny');
}

/** A real S3 call with the student's credentials on their own prefix: what a student actually does. */
// Only the keys: the pushed `expiration` is a string where the SDK expects a Date.
const keys = (c: Creds) => ({
  accessKeyId: c.accessKeyId,
  secretAccessKey: c.secretAccessKey,
  sessionToken: c.sessionToken,
});

export async function listOwnPrefix(aws: AwsLocal, creds: Creds, handle: string): Promise<string> {
  const s3 = new S3Client({
    endpoint: aws.url,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: keys(creds),
  });
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: 'class-bucket', Prefix: `students/${handle}/` }));
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  } finally {
    s3.destroy();
  }
}

export async function listBuckets(aws: AwsLocal, creds: Creds): Promise<string> {
  const s3 = new S3Client({
    endpoint: aws.url,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: keys(creds),
  });
  try {
    await s3.send(new ListBucketsCommand({}));
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  } finally {
    s3.destroy();
  }
}
