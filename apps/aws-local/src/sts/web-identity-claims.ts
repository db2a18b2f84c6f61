import { AwsError } from '../errors';

export interface SessionClaims {
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  sourceIdentity?: string;
}

const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';
const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const MAX_TAGS = 50;

// ⚠ AWS documents no code for bad tag or source identity claims; IDPRejectedClaim ("the claim is
// invalid") fits best, and like AWS's it is permanent: the same token fails again.
const invalid = (message: string): AwsError => new AwsError('IDPRejectedClaim', message, 403);

/** A principal tag value: AWS's claim shape is a one-element list (`{"k": ["v"]}`); a bare string is accepted too. */
function tagValue(key: string, raw: unknown): string {
  const value: unknown = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (typeof value !== 'string' || !TAG_VALUE.test(value))
    throw invalid(`The session tag ${key} in the token has an invalid value.`);
  return value;
}

/**
 * Session tags (`https://aws.amazon.com/tags`: `principal_tags`, `transitive_tag_keys`) and source identity
 * (`https://aws.amazon.com/source_identity`) from the token, with AssumeRole's constraints on both.
 */
export function readSessionClaims(claims: Record<string, unknown>): SessionClaims {
  const out: SessionClaims = { tags: {}, transitiveTagKeys: [] };
  const tagsClaim = claims[TAGS_CLAIM];
  if (tagsClaim !== undefined) {
    if (typeof tagsClaim !== 'object' || tagsClaim === null || Array.isArray(tagsClaim))
      throw invalid(`The ${TAGS_CLAIM} claim must be an object.`);
    const { principal_tags: principalTags = {}, transitive_tag_keys: transitive = [] } = tagsClaim as Record<
      string,
      unknown
    >;
    if (typeof principalTags !== 'object' || principalTags === null || Array.isArray(principalTags))
      throw invalid('principal_tags must be an object.');
    const entries = Object.entries(principalTags as Record<string, unknown>);
    if (entries.length > MAX_TAGS) throw invalid(`The token carries more than ${MAX_TAGS} session tags.`);
    const seen = new Set<string>();
    for (const [key, raw] of entries) {
      if (!TAG_KEY.test(key)) throw invalid(`The session tag key ${key} in the token is invalid.`);
      if (seen.has(key.toLowerCase()))
        throw invalid('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
      seen.add(key.toLowerCase());
      out.tags[key] = tagValue(key, raw);
    }
    if (!Array.isArray(transitive) || transitive.some((k) => typeof k !== 'string'))
      throw invalid('transitive_tag_keys must be a list of strings.');
    for (const key of transitive as string[]) {
      if (!seen.has(key.toLowerCase()))
        throw invalid('The specified transitive tag key must be included in the requested tags.');
    }
    out.transitiveTagKeys = [...(transitive as string[])];
  }
  const sourceIdentity = claims[SOURCE_IDENTITY_CLAIM];
  if (sourceIdentity !== undefined) {
    if (typeof sourceIdentity !== 'string' || !SOURCE_IDENTITY.test(sourceIdentity)) {
      throw invalid(`The ${SOURCE_IDENTITY_CLAIM} claim must be 2–64 characters of [\\w+=,.@-].`);
    }
    out.sourceIdentity = sourceIdentity;
  }
  return out;
}
