import type { Backend } from '../backend';
import { AwsError } from '../errors';
import type { Principal } from '../sessions/issued-session';
import { principalUserId } from '../sessions/issued-session';
import { el, wrap } from '../xml';
import type { S3Operation } from './s3-operation';

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface S3Reply {
  status: number;
  body: string;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Buckets are always empty: aws-local stores no objects. What it reproduces is authorization, so
 * listing answers an empty result when allowed and S3's AccessDenied when not.
 */
export function handleS3(
  backend: Backend,
  principal: Principal,
  op: S3Operation,
  query: Record<string, string | string[]>,
  region: string,
): S3Reply {
  const prefix = first(query['prefix']);
  const delimiter = first(query['delimiter']);
  const maxKeys = first(query['max-keys']);
  const extra: Record<string, string> = {};
  if (op.action === 's3:ListBucket') {
    if (prefix !== undefined) extra['s3:prefix'] = prefix;
    if (delimiter !== undefined) extra['s3:delimiter'] = delimiter;
    if (maxKeys !== undefined) extra['s3:max-keys'] = maxKeys;
  }
  const result = backend.authorizer.authorize(principal, op.action, op.resource, region, extra);
  if (result.decision !== 'allow') throw new AwsError('AccessDenied', 'Access Denied', 403);
  const urlEncoded = first(query['encoding-type']) === 'url';
  const show = (v: string | undefined): string | undefined =>
    v !== undefined && urlEncoded ? encodeURIComponent(v) : v;
  switch (op.name) {
    case 'ListBuckets':
      return {
        status: 200,
        body:
          XML_DECLARATION +
          `<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}">` +
          wrap('Owner', el('ID', principalUserId(principal)) + el('DisplayName', principal.account)) +
          '<Buckets></Buckets></ListAllMyBucketsResult>',
      };
    case 'ListObjectsV2':
    case 'ListObjects':
      return {
        status: 200,
        body:
          XML_DECLARATION +
          `<ListBucketResult xmlns="${S3_NAMESPACE}">` +
          el('Name', op.bucket) +
          el('Prefix', show(prefix) ?? '') +
          (op.name === 'ListObjectsV2' ? el('KeyCount', 0) : el('Marker', first(query['marker']) ?? '')) +
          el('MaxKeys', maxKeys ?? 1000) +
          el('Delimiter', show(delimiter)) +
          el('EncodingType', urlEncoded ? 'url' : undefined) +
          el('IsTruncated', false) +
          '</ListBucketResult>',
      };
    case 'HeadBucket':
      return { status: 200, body: '' };
    case 'GetBucketLocation':
      return { status: 200, body: XML_DECLARATION + `<LocationConstraint xmlns="${S3_NAMESPACE}"/>` };
    case 'GetObject':
    case 'HeadObject':
      throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404);
    default:
      throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
  }
}
