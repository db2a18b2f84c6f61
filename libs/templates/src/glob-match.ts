/**
 * IAM wildcard matching: `*` matches any run of characters (also none), `?` exactly one. Two pointers with
 * one resume point (the last `*` seen): a later `*` makes every earlier choice final, so the work is at most
 * pattern length × text length, never exponential, and no RegExp is ever built from a pattern.
 */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || (p[pi] !== '*' && p[pi] === t[ti]))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      starAt = pi++;
      resumeAt = ti;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      ti = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** Characters a text needs at least to match the pattern (every non-`*`), for a constant-time refusal. */
export function globMinLength(pattern: string): number {
  let count = 0;
  for (const char of pattern) if (char !== '*') count++;
  return count;
}
