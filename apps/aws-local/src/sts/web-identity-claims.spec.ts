import { readSessionClaims } from './web-identity-claims';

const TAGS = 'https://aws.amazon.com/tags';
const SOURCE = 'https://aws.amazon.com/source_identity';

describe('session claims of a web identity token', () => {
  it('reads principal tags (one-element lists), transitive keys and the source identity', () => {
    expect(
      readSessionClaims({
        [TAGS]: { principal_tags: { 'labkeys:session': ['s1'], team: 'a' }, transitive_tag_keys: ['labkeys:session'] },
        [SOURCE]: 'alice',
      }),
    ).toEqual({
      tags: { 'labkeys:session': 's1', team: 'a' },
      transitiveTagKeys: ['labkeys:session'],
      sourceIdentity: 'alice',
    });
    expect(readSessionClaims({ sub: 'x' })).toEqual({ tags: {}, transitiveTagKeys: [] });
  });

  it.each([
    ['a tags claim that is not an object', { [TAGS]: ['x'] }],
    ['a multi-valued tag', { [TAGS]: { principal_tags: { a: ['1', '2'] } } }],
    ['a tag key with a forbidden character', { [TAGS]: { principal_tags: { 'a*b': ['1'] } } }],
    ['duplicate keys differing in case', { [TAGS]: { principal_tags: { Team: ['1'], team: ['2'] } } }],
    ['a transitive key that is not a tag', { [TAGS]: { principal_tags: { a: ['1'] }, transitive_tag_keys: ['b'] } }],
    [
      'more than 50 tags',
      { [TAGS]: { principal_tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, ['v']])) } },
    ],
    ['a source identity with a colon', { [SOURCE]: 'aws:me' }],
    ['a one-character source identity', { [SOURCE]: 'a' }],
  ])('refuses %s as a rejected claim', (_, claims) => {
    expect(() => readSessionClaims(claims)).toThrow(expect.objectContaining({ code: 'IDPRejectedClaim', status: 403 }));
  });
});
