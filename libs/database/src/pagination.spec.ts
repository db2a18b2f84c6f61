import { decodeCursor, encodeCursor, InvalidCursorError, pageArgs, parseSort, toPage } from './pagination';

describe('pagination', () => {
  const id = '0195a3e2-7c1d-7b6e-9f00-0123456789ab';

  it('round-trips cursors and refuses forged ones', () => {
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(() => decodeCursor('not-a-cursor')).toThrow(InvalidCursorError);
    expect(() => decodeCursor(Buffer.from('{"id":"1 OR 1=1"}').toString('base64url'))).toThrow(InvalidCursorError);
  });

  it('builds tenant-scoped cursor arguments with a total order', () => {
    const args = pageArgs('t1', { limit: 2, cursor: encodeCursor(id) }, parseSort('-createdAt', 'createdAt'));
    expect(args).toEqual({
      take: 3,
      cursor: { tenantId_id: { tenantId: 't1', id } },
      skip: 1,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  });

  it('returns a next cursor only when there is more', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, { limit: 2 })).toEqual({ items: [{ id: 'a' }, { id: 'b' }], nextCursor: encodeCursor('b') });
    expect(toPage(rows, { limit: 3 }).nextCursor).toBeNull();
  });
});
