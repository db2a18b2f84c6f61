import { globMatch, globMinLength } from './glob-match';

describe('globMatch', () => {
  it.each([
    ['Get*', 'GetObject', true],
    ['Get*', 'Get', true],
    ['*Object', 'GetObject', true],
    ['G?tObject', 'GetObject', true],
    ['G?tObject', 'GtObject', false],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXbYY', false],
    ['*?', '', false],
    ['**a**', 'xa', true],
    ['List*Buckets', 'ListAllMyBuckets', true],
  ])('%j against %j → %s', (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it('ignores case only when asked (actions are case-insensitive, resources are not)', () => {
    expect(globMatch('s3:get*', 'S3:GetObject', true)).toBe(true);
    expect(globMatch('s3:get*', 'S3:GetObject')).toBe(false);
  });

  it('answers a pathological pattern promptly (the old `.*` regex backtracked exponentially)', () => {
    const pattern = '*?'.repeat(1000) + '0';
    const text = 'DescribeLocalGatewayRouteTableVirtualInterfaceGroupAssociations';
    const started = performance.now();
    expect(globMatch(pattern, text)).toBe(false);
    expect(globMatch('*a'.repeat(5000) + 'b', 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('counts the characters a match needs', () => {
    expect(globMinLength('*?*?0')).toBe(3);
    expect(globMinLength('***')).toBe(0);
  });
});
