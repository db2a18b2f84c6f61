import { checkJsonShape, JsonShapeError, MAX_JSON_ARRAY_ITEMS, MAX_JSON_DEPTH } from './json-shape';
import { unstorableFields } from './storable-text.pipe';

const timed = <T>(run: () => T) => {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
};

describe('checkJsonShape', () => {
  it('refuses 10,000 levels of nesting in one linear pass, before JSON.parse', () => {
    const deep = Buffer.from(`${'['.repeat(10000)}${']'.repeat(10000)}`);
    const { ms } = timed(() => expect(() => checkJsonShape(deep)).toThrow(JsonShapeError));
    expect(ms).toBeLessThan(200);
    expect(() =>
      checkJsonShape(Buffer.from(`{"a":${'{"b":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)),
    ).toThrow(/deeper than 32/);
    expect(() =>
      checkJsonShape(Buffer.from(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`)),
    ).not.toThrow();
  });

  it('counts array items, not commas inside strings or objects', () => {
    const items = (n: number) => Buffer.from(JSON.stringify({ students: Array.from({ length: n }, () => 0) }));
    expect(() => checkJsonShape(items(MAX_JSON_ARRAY_ITEMS))).not.toThrow();
    expect(() => checkJsonShape(items(MAX_JSON_ARRAY_ITEMS + 1))).toThrow(/more than 10000 items/);
    expect(() =>
      checkJsonShape(
        Buffer.from(
          JSON.stringify({
            s: ','.repeat(50000),
            o: Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, 1])),
          }),
        ),
      ),
    ).not.toThrow();
    expect(() => checkJsonShape(Buffer.from(JSON.stringify(['\\"[[[[', '"]]]]'])))).not.toThrow();
  });
});

describe('unstorableFields', () => {
  it('names each field holding NUL or a lone surrogate, in keys and nested values', () => {
    expect(
      unstorableFields(
        { name: 'a\u0000b', ok: 'fine 😀', students: [{ email: 'x' }, { email: '\ud800' }], ['k\udc00']: 1 },
        '',
      )
        .map((p) => p.field)
        .sort(),
    ).toEqual(['k\udc00', 'name', 'students[1].email']);
    expect(unstorableFields('q\u0000', 'q')).toEqual([{ field: 'q', message: expect.stringContaining('NUL') }]);
    expect(unstorableFields({ emoji: '😀', text: 'plain' }, '')).toEqual([]);
  });

  it('stops at 20 reported fields instead of walking the rest of a huge document', () => {
    // 100,000 students, each with a bad email; every read of an email is counted.
    let reads = 0;
    const student = () =>
      Object.defineProperty({}, 'email', {
        enumerable: true,
        get: () => {
          reads++;
          return 'x\u0000';
        },
      });
    const result = unstorableFields({ students: Array.from({ length: 100000 }, student) }, '');
    expect(result).toHaveLength(20);
    expect(reads).toBe(20);
    expect(unstorableFields('x'.repeat(1_000_000) + '\ud83d', 'q')).toHaveLength(1);
  });
});
