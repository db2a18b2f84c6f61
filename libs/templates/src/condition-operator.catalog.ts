const BASE_OPERATORS = new Set([
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
]);

const SET_PREFIXES = ['ForAnyValue:', 'ForAllValues:'];

/** IAM condition operators, with the `ForAnyValue:`/`ForAllValues:` prefixes and the `IfExists` suffix. */
export function isConditionOperator(name: string): boolean {
  let base = name;
  const prefix = SET_PREFIXES.find((p) => base.startsWith(p));
  if (prefix) base = base.slice(prefix.length);
  if (base.endsWith('IfExists')) {
    base = base.slice(0, -'IfExists'.length);
    // Null already tests for existence; IAM has no NullIfExists.
    if (base === 'Null') return false;
  }
  return BASE_OPERATORS.has(base);
}
