/** STS limits a role template must respect (see docs in aws-facts: AssumeRole request). */
export const SESSION_POLICY_MAX_CHARS = 2048;
export const MAX_SESSION_TAGS = 50;
export const MAX_TRANSITIVE_TAG_KEYS = 50;
export const MAX_MANAGED_POLICY_ARNS = 10;
export const TAG_KEY_MAX_CHARS = 128;
export const TAG_VALUE_MAX_CHARS = 256;
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43200;

/** Every session carries these, so revocation can deny a whole lab or one session by principal tag. */
export const RESERVED_TAG_KEYS = ['labkeys:tenant', 'labkeys:lab', 'labkeys:session'] as const;
export const MAX_TEMPLATE_TAGS = MAX_SESSION_TAGS - RESERVED_TAG_KEYS.length;
export const RESERVED_TAG_PREFIXES = ['labkeys:', 'aws:'] as const;

export const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** RoleSessionName and SourceIdentity share this character class. */
export const SESSION_NAME_CHARS = /^[\w+=,.@-]*$/;
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
/** Session policies may only contain tab, LF, CR and U+0020–U+00FF. */
export const POLICY_CHARS = /^[\u0009\u000A\u000D\u0020-\u00FF]*$/;
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
