/** Cursor pagination shared by every list: opaque cursors, a bounded page size, a stable order. */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API issued');
    this.name = 'InvalidCursorError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown };
    if (typeof parsed.id === 'string' && UUID.test(parsed.id)) return parsed.id;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

export type SortDirection = 'asc' | 'desc';

/** `-createdAt` → { field: 'createdAt', direction: 'desc' }. */
export function parseSort<F extends string>(
  sort: string | undefined,
  fallback: `${'' | '-'}${F}`,
): { field: F; direction: SortDirection } {
  const value = sort ?? fallback;
  return value.startsWith('-')
    ? { field: value.slice(1) as F, direction: 'desc' }
    : { field: value as F, direction: 'asc' };
}

/**
 * Prisma arguments for one page: the cursor is looked up by (tenantId, id),
 * so a cursor from another tenant finds nothing; the id breaks ties so the
 * order is total.
 */
export function pageArgs<F extends string>(
  tenantId: string,
  page: PageRequest,
  sort: { field: F; direction: SortDirection },
) {
  const cursorId = page.cursor ? decodeCursor(page.cursor) : undefined;
  return {
    take: page.limit + 1,
    ...(cursorId ? { cursor: { tenantId_id: { tenantId, id: cursorId } }, skip: 1 } : {}),
    orderBy: [{ [sort.field]: sort.direction }, { id: sort.direction }] as Record<string, SortDirection>[],
  };
}

export function toPage<T extends { id: string }, R = T>(
  rows: T[],
  page: PageRequest,
  map: (row: T) => R = (row) => row as unknown as R,
): Page<R> {
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  return { items: items.map(map), nextCursor: more ? encodeCursor(items[items.length - 1].id) : null };
}

/** The same page with each item mapped (repositories page rows; callers shape them). */
export function mapPage<T, R>(page: Page<T>, map: (item: T) => R): Page<R> {
  return { items: page.items.map(map), nextCursor: page.nextCursor };
}
