/** Which S3 operation a path-style request is, and what IAM action and resource authorize it. */
export interface S3Operation {
  name: string;
  action: string;
  resource: string;
  bucket?: string;
  key?: string;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function resolveS3Operation(
  method: string,
  path: string,
  query: Record<string, string | string[]>,
): S3Operation {
  const trimmed = path.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  const bucket = trimmed === '' ? undefined : decodeSegment(slash < 0 ? trimmed : trimmed.slice(0, slash));
  const key = slash < 0 || slash === trimmed.length - 1 ? undefined : decodeSegment(trimmed.slice(slash + 1));
  if (!bucket)
    return { name: method === 'GET' ? 'ListBuckets' : 'Unsupported', action: 's3:ListAllMyBuckets', resource: '*' };
  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (key === undefined) {
    if (method === 'HEAD') return { name: 'HeadBucket', action: 's3:ListBucket', resource: bucketArn, bucket };
    if (method === 'GET' && 'location' in query) {
      return { name: 'GetBucketLocation', action: 's3:GetBucketLocation', resource: bucketArn, bucket };
    }
    if (method === 'GET') {
      const name = query['list-type'] === '2' ? 'ListObjectsV2' : 'ListObjects';
      return { name, action: 's3:ListBucket', resource: bucketArn, bucket };
    }
    return { name: 'Unsupported', action: `s3:${method}Bucket`, resource: bucketArn, bucket };
  }
  const objectArn = `${bucketArn}/${key}`;
  if (method === 'GET' || method === 'HEAD')
    return {
      name: method === 'GET' ? 'GetObject' : 'HeadObject',
      action: 's3:GetObject',
      resource: objectArn,
      bucket,
      key,
    };
  if (method === 'PUT') return { name: 'PutObject', action: 's3:PutObject', resource: objectArn, bucket, key };
  if (method === 'DELETE') return { name: 'DeleteObject', action: 's3:DeleteObject', resource: objectArn, bucket, key };
  return { name: 'Unsupported', action: 's3:Unsupported', resource: objectArn, bucket, key };
}
