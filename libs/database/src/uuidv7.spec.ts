import { uuidv7, uuidv7Batch } from './uuidv7';

describe('uuidv7', () => {
  it('is a version-7, RFC 4122 variant UUID carrying the millisecond time first', () => {
    const id = uuidv7(Date.UTC(2026, 10, 21, 16, 30));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 21, 16, 30));
  });

  it('sorts by creation time and does not repeat', () => {
    const earlier = uuidv7(1_700_000_000_000);
    const later = uuidv7(1_700_000_000_001);
    expect(earlier < later).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000))).size).toBe(1000);
  });

  it('gives a batch ascending ids', () => {
    const batch = uuidv7Batch(500);
    expect(batch).toEqual([...batch].sort());
    expect(new Set(batch).size).toBe(500);
  });
});
