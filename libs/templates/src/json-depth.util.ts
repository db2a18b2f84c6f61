/**
 * Whether a parsed JSON value nests deeper than `limit` (a scalar is depth 0, `[]` depth 1). Iterative, so a
 * hostile document cannot overflow the stack here, and it stops at the first path that is too deep; the
 * recursive walks (grammar, placeholders, rendering, JSON.stringify) run only on documents that pass.
 */
export function exceedsJsonDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
