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
// eslint-disable-next-line no-control-regex -- AWS's allowed set names tab, LF and CR
export const POLICY_CHARS = /^[\u0009\u000A\u000D\u0020-\u00FF]*$/;
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/**
 * IAM publishes no limit on an action pattern; the longest action in the catalogue is 63 characters plus a
 * service prefix of at most 35, so twice that refuses no real pattern and bounds the matching work.
 */
export const ACTION_MAX_CHARS = 128;
/** Real patterns use one or two wildcards (`s3:Get*`, `s3:*Object*`); more only make matching slower. */
export const ACTION_MAX_WILDCARDS = 16;
/** The most action strings a session policy within SESSION_POLICY_MAX_CHARS can hold (`"s3:*",` is 6). */
export const MAX_POLICY_ACTIONS = Math.floor(SESSION_POLICY_MAX_CHARS / 6);
/** Policy → Statement[] → statement → Condition → operator → key → values[]: 7 levels; anything deeper is not IAM. */
export const POLICY_MAX_DEPTH = 8;
/** Raw text of one session tag value (placeholders not yet expanded); rendered values are at most 256. */
export const TAG_VALUE_TEMPLATE_MAX_CHARS = 1024;
