import { evaluateOperator } from './condition-operators';

const plain = (op: string, request: string[] | undefined, policy: string[]): boolean =>
  evaluateOperator(op, null, false, request, policy);

describe('condition operators', () => {
  it.each([
    ['StringEquals', ['a'], ['a'], true],
    ['StringEquals', ['A'], ['a'], false],
    ['StringNotEquals', ['a'], ['b'], true],
    ['StringNotEquals', ['a'], ['a', 'b'], false],
    ['StringEqualsIgnoreCase', ['ABC'], ['abc'], true],
    ['StringNotEqualsIgnoreCase', ['ABC'], ['abc'], false],
    ['StringLike', ['students/alice/week1/'], ['students/alice/*'], true],
    ['StringLike', ['students/bob/'], ['students/alice/*'], false],
    ['StringLike', ['ab'], ['a?'], true],
    ['StringLike', ['abc'], ['a?'], false],
    ['StringNotLike', ['students/bob/'], ['students/alice/*'], true],
    ['NumericEquals', ['10'], ['10.0'], true],
    ['NumericNotEquals', ['10'], ['11'], true],
    ['NumericLessThan', ['9'], ['10'], true],
    ['NumericLessThan', ['10'], ['10'], false],
    ['NumericLessThanEquals', ['10'], ['10'], true],
    ['NumericGreaterThan', ['11'], ['10'], true],
    ['NumericGreaterThanEquals', ['10'], ['10'], true],
    ['NumericEquals', ['abc'], ['1'], false],
    ['DateEquals', ['2026-01-01T00:00:00Z'], ['2026-01-01T00:00:00.000Z'], true],
    ['DateNotEquals', ['2026-01-01T00:00:00Z'], ['2026-01-02T00:00:00Z'], true],
    ['DateLessThan', ['2026-01-01T00:00:00Z'], ['2026-01-02T00:00:00Z'], true],
    ['DateLessThan', ['2026-01-02T00:00:00Z'], ['2026-01-02T00:00:00Z'], false],
    ['DateLessThanEquals', ['2026-01-02T00:00:00Z'], ['2026-01-02T00:00:00Z'], true],
    ['DateGreaterThan', ['2026-01-03T00:00:00Z'], ['2026-01-02T00:00:00Z'], true],
    ['DateGreaterThanEquals', ['2026-01-02T00:00:00Z'], ['1767312000'], true],
    ['Bool', ['true'], ['True'], true],
    ['Bool', ['false'], ['true'], false],
    ['ArnEquals', ['arn:aws:iam::123456789012:role/lab'], ['arn:aws:iam::*:role/lab'], true],
    ['ArnLike', ['arn:aws:iam::123456789012:role/lab/x'], ['arn:aws:iam::123456789012:role/*'], true],
    ['ArnLike', ['arn:aws:iam::123456789012:role/lab'], ['arn:aws:iam::999999999999:role/*'], false],
    ['ArnLike', ['not-an-arn'], ['*:*'], false],
    ['ArnNotEquals', ['arn:aws:iam::123456789012:role/lab'], ['arn:aws:iam::123456789012:role/other'], true],
    ['ArnNotLike', ['arn:aws:iam::123456789012:role/lab'], ['arn:aws:iam::*:role/l*'], false],
  ])('%s %j vs %j → %s', (op, request, policy, expected) => {
    expect(plain(op, request, policy)).toBe(expected);
  });

  it('is false for an absent key, except for negated operators and IfExists', () => {
    expect(plain('StringEquals', undefined, ['a'])).toBe(false);
    expect(plain('StringNotEquals', undefined, ['a'])).toBe(true);
    expect(plain('DateLessThan', undefined, ['2026-01-01T00:00:00Z'])).toBe(false);
    expect(evaluateOperator('StringEquals', null, true, undefined, ['a'])).toBe(true);
    expect(evaluateOperator('StringEquals', null, true, ['b'], ['a'])).toBe(false);
  });

  it('tests presence with Null', () => {
    expect(plain('Null', undefined, ['true'])).toBe(true);
    expect(plain('Null', ['x'], ['true'])).toBe(false);
    expect(plain('Null', ['x'], ['false'])).toBe(true);
    expect(plain('Null', undefined, ['false'])).toBe(false);
  });

  it('applies ForAnyValue to multi-valued keys', () => {
    expect(evaluateOperator('StringEquals', 'ForAnyValue', false, ['a', 'b'], ['b'])).toBe(true);
    expect(evaluateOperator('StringEquals', 'ForAnyValue', false, ['a', 'c'], ['b'])).toBe(false);
    expect(evaluateOperator('StringEquals', 'ForAnyValue', false, undefined, ['b'])).toBe(false);
    expect(evaluateOperator('StringNotEquals', 'ForAnyValue', false, ['a', 'b'], ['a'])).toBe(true);
  });

  it('applies ForAllValues to multi-valued keys, an absent key passing', () => {
    expect(evaluateOperator('StringLike', 'ForAllValues', false, ['labkeys:a', 'labkeys:b'], ['labkeys:*'])).toBe(true);
    expect(evaluateOperator('StringLike', 'ForAllValues', false, ['labkeys:a', 'other'], ['labkeys:*'])).toBe(false);
    expect(evaluateOperator('StringLike', 'ForAllValues', false, undefined, ['labkeys:*'])).toBe(true);
  });
});
