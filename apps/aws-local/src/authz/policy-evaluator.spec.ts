import { parsePolicy, policySizeWithoutWhitespace, PolicyGrammarError } from './policy-parser';
import { evaluateIdentity } from './policy-evaluator';
import type { ContextValue, NamedPolicy } from './policy-types';

const policy = (name: string, ...statements: Record<string, unknown>[]): NamedPolicy => ({
  name,
  policy: parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity'),
});
const request = (action: string, resource: string, keys: Record<string, ContextValue> = {}) => ({
  action,
  resource,
  keys: new Map(Object.entries(keys).map(([k, v]) => [k.toLowerCase(), v])),
});

const roleS3 = policy('role/lab/inline/s3', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
const studentPrefix = policy('session/inline', {
  Effect: 'Allow',
  Action: 's3:ListBucket',
  Resource: 'arn:aws:s3:::labs',
  Condition: { StringLike: { 's3:prefix': 'students/alice/*' } },
});

describe('identity policy evaluation', () => {
  it('allows what an identity policy allows, matching actions case-insensitively', () => {
    const r = evaluateIdentity([roleS3], null, request('S3:listbucket', 'arn:aws:s3:::labs'));
    expect(r).toEqual({
      decision: 'allow',
      policy: 'role/lab/inline/s3',
      statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    });
  });

  it('implicitly denies what no policy allows', () => {
    expect(evaluateIdentity([roleS3], null, request('iam:PutRolePolicy', '*'))).toEqual({
      decision: 'implicitDeny',
      statement: null,
      policy: 'identity-based policy',
    });
  });

  it('intersects identity and session policies', () => {
    const ok = evaluateIdentity(
      [roleS3],
      [studentPrefix],
      request('s3:ListBucket', 'arn:aws:s3:::labs', { 's3:prefix': 'students/alice/x' }),
    );
    expect(ok.decision).toBe('allow');
    const other = evaluateIdentity(
      [roleS3],
      [studentPrefix],
      request('s3:ListBucket', 'arn:aws:s3:::labs', { 's3:prefix': 'students/bob/' }),
    );
    expect(other).toMatchObject({ decision: 'implicitDeny', policy: 'session policy' });
    const noPrefix = evaluateIdentity([roleS3], [studentPrefix], request('s3:ListBucket', 'arn:aws:s3:::labs'));
    expect(noPrefix.decision).toBe('implicitDeny');
    const sessionOnly = evaluateIdentity(
      [],
      [studentPrefix],
      request('s3:ListBucket', 'arn:aws:s3:::labs', { 's3:prefix': 'students/alice/' }),
    );
    expect(sessionOnly).toMatchObject({ decision: 'implicitDeny', policy: 'identity-based policy' });
  });

  it('lets an explicit deny anywhere win and reports the deciding statement', () => {
    const revoke = {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/labkeys:session': 'X' } },
    };
    const revocations = policy('role/lab/inline/revocations', revoke);
    const x = evaluateIdentity(
      [roleS3, revocations],
      null,
      request('s3:ListBucket', 'arn:aws:s3:::labs', { 'aws:PrincipalTag/labkeys:session': 'X' }),
    );
    expect(x).toEqual({ decision: 'deny', statement: revoke, policy: 'role/lab/inline/revocations' });
    const y = evaluateIdentity(
      [roleS3, revocations],
      null,
      request('s3:ListBucket', 'arn:aws:s3:::labs', { 'aws:PrincipalTag/labkeys:session': 'Y' }),
    );
    expect(y.decision).toBe('allow');
    const sessionDeny = policy(
      'session/inline',
      { Effect: 'Deny', Action: 's3:*', Resource: '*' },
      { Effect: 'Allow', Action: '*', Resource: '*' },
    );
    expect(evaluateIdentity([roleS3], [sessionDeny], request('s3:ListBucket', 'arn:aws:s3:::labs')).decision).toBe(
      'deny',
    );
  });

  it('revokes sessions issued before a cutoff with aws:TokenIssueTime', () => {
    const older = policy('role/lab/inline/AWSRevokeOlderSessions', {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-03-01T12:00:00Z' } },
    });
    const at = (t: string) =>
      evaluateIdentity([roleS3, older], null, request('s3:ListBucket', '*', { 'aws:TokenIssueTime': t })).decision;
    expect(at('2026-03-01T11:59:59Z')).toBe('deny');
    expect(at('2026-03-01T12:00:00Z')).toBe('allow');
  });

  it('supports NotAction and NotResource', () => {
    const p = policy('p', { Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret*' });
    expect(evaluateIdentity([p], null, request('s3:GetObject', 'arn:aws:s3:::labs/a')).decision).toBe('allow');
    expect(evaluateIdentity([p], null, request('iam:GetRole', 'arn:aws:s3:::labs/a')).decision).toBe('implicitDeny');
    expect(evaluateIdentity([p], null, request('s3:GetObject', 'arn:aws:s3:::secret-bucket/a')).decision).toBe(
      'implicitDeny',
    );
  });

  it('matches resources case-sensitively with wildcards and substitutes policy variables', () => {
    const p = policy('p', {
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::labs/students/${aws:SourceIdentity}/?.txt',
    });
    const get = (resource: string, keys: Record<string, string> = { 'aws:SourceIdentity': 'alice' }) =>
      evaluateIdentity([p], null, request('s3:GetObject', resource, keys)).decision;
    expect(get('arn:aws:s3:::labs/students/alice/a.txt')).toBe('allow');
    expect(get('arn:aws:s3:::labs/students/alice/ab.txt')).toBe('implicitDeny');
    expect(get('arn:aws:s3:::labs/students/ALICE/a.txt')).toBe('implicitDeny');
    expect(get('arn:aws:s3:::labs/students/bob/a.txt')).toBe('implicitDeny');
    expect(get('arn:aws:s3:::labs/students//a.txt', {})).toBe('implicitDeny');
  });

  it('requires every condition of a statement to hold', () => {
    const p = policy('p', {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: '*',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' }, Bool: { 'aws:SecureTransport': 'false' } },
    });
    const r = (keys: Record<string, string>) =>
      evaluateIdentity([p], null, request('s3:ListBucket', '*', keys)).decision;
    expect(r({ 'aws:RequestedRegion': 'us-east-1', 'aws:SecureTransport': 'false' })).toBe('allow');
    expect(r({ 'aws:RequestedRegion': 'eu-west-1', 'aws:SecureTransport': 'false' })).toBe('implicitDeny');
  });
});

describe('policy grammar', () => {
  it.each([
    ['{"Statement":', 'Syntax errors in policy.'],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}',
      'Syntax errors in policy.',
    ],
    ['{"Version":"2010-01-01","Statement":[]}', 'The policy must contain a valid version string'],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ListBucket","Resource":"*"}]}',
      'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]}',
      'Resource bucket must be in ARN format or "*".',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"*"}]}',
      'Policy statement must contain actions.',
    ],
    [
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"a":"b"}}}]}',
      'Invalid Condition type : ForSomeValues:StringEquals',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parsePolicy(text, 'identity')).toThrow(new PolicyGrammarError(message));
  });

  it('requires a principal and forbids resources in trust policies', () => {
    expect(() =>
      parsePolicy('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}', 'trust'),
    ).toThrow('Missing required field Principal');
    const trust = parsePolicy(
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}}',
      'trust',
    );
    expect(trust.statements[0].principal).toEqual({ AWS: ['arn:aws:iam::123456789012:root'] });
  });

  it('counts policy size without whitespace outside strings', () => {
    expect(policySizeWithoutWhitespace('{ "a" : "b c" ,\n "d": [ 1 ] }')).toBe('{"a":"b c","d":[1]}'.length);
    expect(policySizeWithoutWhitespace('{"a":"x\\" y"}')).toBe('{"a":"x\\" y"}'.length);
  });
});
