import { roleTemplate, S3_LAB_POLICY } from './role-template.fixtures';
import { validateRoleTemplate } from './role-template.validator';
import type { RoleTemplateInput } from './role-template.types';

const policyWith = (statement: Record<string, unknown>, top: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement], ...top });
const allow = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
const fieldsOf = async (input: RoleTemplateInput, opts = {}) =>
  (await validateRoleTemplate(input, opts)).map((v) => v.field);

describe('validateRoleTemplate', () => {
  it('accepts a valid template', async () => {
    expect(await validateRoleTemplate(roleTemplate(), { maxSessionDuration: 3600 })).toEqual([]);
    expect(
      await validateRoleTemplate(roleTemplate({ sessionPolicyTemplate: null, allowedRegions: ['eu-west-1'] })),
    ).toEqual([]);
  });

  it('reports malformed JSON on the policy field', async () => {
    const violations = await validateRoleTemplate(roleTemplate({ sessionPolicyTemplate: '{"Version": "2012-10-17",' }));
    expect(violations).toEqual([{ field: 'sessionPolicyTemplate', message: expect.stringMatching(/not valid JSON/) }]);
  });

  it.each([
    ['bad Effect', { ...allow, Effect: 'Permit' }, 'sessionPolicyTemplate.Statement[0].Effect'],
    ['Principal', { ...allow, Principal: '*' }, 'sessionPolicyTemplate.Statement[0].Principal'],
    ['unknown element', { ...allow, Actions: ['s3:GetObject'] }, 'sessionPolicyTemplate.Statement[0].Actions'],
    ['Action and NotAction', { ...allow, NotAction: 's3:PutObject' }, 'sessionPolicyTemplate.Statement[0].NotAction'],
    ['no Resource', { Effect: 'Allow', Action: '*' }, 'sessionPolicyTemplate.Statement[0].Resource'],
    ['empty Action list', { ...allow, Action: [] }, 'sessionPolicyTemplate.Statement[0].Action'],
    ['non-string action', { ...allow, Action: ['s3:GetObject', 7] }, 'sessionPolicyTemplate.Statement[0].Action[1]'],
    ['resource not an ARN', { ...allow, Resource: 'my-bucket' }, 'sessionPolicyTemplate.Statement[0].Resource'],
    ['bad Sid', { ...allow, Sid: 'has space' }, 'sessionPolicyTemplate.Statement[0].Sid'],
    [
      'unknown condition operator',
      { ...allow, Condition: { StringEqualz: { 'aws:RequestedRegion': 'eu-west-1' } } },
      'sessionPolicyTemplate.Statement[0].Condition.StringEqualz',
    ],
    [
      'NullIfExists',
      { ...allow, Condition: { NullIfExists: { 'aws:TokenIssueTime': 'true' } } },
      'sessionPolicyTemplate.Statement[0].Condition.NullIfExists',
    ],
    [
      'condition value not a string',
      { ...allow, Condition: { StringEquals: { 'aws:RequestedRegion': { nested: true } } } },
      'sessionPolicyTemplate.Statement[0].Condition.StringEquals["aws:RequestedRegion"]',
    ],
    ['unknown action', { ...allow, Action: 's3:GetObjekt' }, 'sessionPolicyTemplate.Statement[0].Action'],
    [
      'unknown service',
      { ...allow, Action: ['s3:GetObject', 'nosuchsvc:Get'] },
      'sessionPolicyTemplate.Statement[0].Action[1]',
    ],
    ['wildcard matching nothing', { ...allow, Action: 's3:Fly*' }, 'sessionPolicyTemplate.Statement[0].Action'],
    ['placeholder in an action', { ...allow, Action: 's3:{{lab.id}}' }, 'sessionPolicyTemplate.Statement[0].Action'],
    [
      'unknown placeholder',
      { ...allow, Resource: 'arn:aws:s3:::b/{{student.email}}/*' },
      'sessionPolicyTemplate.Statement[0].Resource',
    ],
  ])('rejects %s with the field named', async (_case, statement, field) => {
    expect(await fieldsOf(roleTemplate({ sessionPolicyTemplate: policyWith(statement) }))).toEqual([field]);
  });

  it('names the unknown placeholder and the unknown action in the message', async () => {
    const input = roleTemplate({
      sessionPolicyTemplate: policyWith({
        ...allow,
        Action: 's3:GetObjekt',
        Resource: 'arn:aws:s3:::{{student.email}}',
      }),
    });
    const messages = (await validateRoleTemplate(input)).map((v) => v.message).join('\n');
    expect(messages).toContain('{{student.email}}');
    expect(messages).toContain('s3:GetObjekt');
  });

  it('accepts wildcards, set operators, IfExists and Statement as a single object', async () => {
    const policy = JSON.stringify({
      Version: '2008-10-17',
      Statement: {
        Effect: 'Allow',
        Action: ['*', 'ec2:Describe*', 'S3:getobject', 'dynamodb:?etItem'],
        NotResource: ['arn:aws:s3:::secret/*'],
        Condition: {
          'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': ['a', 'b'] },
          NumericLessThanIfExists: { 's3:max-keys': 10 },
          Bool: { 'aws:SecureTransport': true },
          IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
        },
      },
    });
    expect(await validateRoleTemplate(roleTemplate({ sessionPolicyTemplate: policy }))).toEqual([]);
  });

  it('rejects a bad Version, missing Statement and duplicate Sids', async () => {
    expect(await fieldsOf(roleTemplate({ sessionPolicyTemplate: JSON.stringify({ Version: '2020-01-01' }) }))).toEqual([
      'sessionPolicyTemplate.Version',
      'sessionPolicyTemplate.Statement',
    ]);
    const dup = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { ...allow, Sid: 'A' },
        { ...allow, Sid: 'A' },
      ],
    });
    expect(await fieldsOf(roleTemplate({ sessionPolicyTemplate: dup }))).toEqual([
      'sessionPolicyTemplate.Statement[1].Sid',
    ]);
  });

  it('rejects a template that fits as written but not with the longest placeholder values', async () => {
    const resources: string[] = [];
    const policy = () => JSON.stringify({ Version: '2012-10-17', Statement: [{ ...allow, Resource: resources }] });
    while (policy().length < 1900)
      resources.push(`arn:aws:s3:::b/{{session.id}}{{tenant.id}}{{lab.id}}${resources.length}`);
    expect(policy().length).toBeLessThan(2048);

    const violations = await validateRoleTemplate(roleTemplate({ sessionPolicyTemplate: policy() }));
    expect(violations).toEqual([
      { field: 'sessionPolicyTemplate', message: expect.stringMatching(/can render to \d{4} characters.*2048/) },
    ]);
  });

  it('counts the allowed-regions deny towards the size limit', async () => {
    const resources: string[] = [];
    const policy = () => JSON.stringify({ Version: '2012-10-17', Statement: [{ ...allow, Resource: resources }] });
    while (policy().length < 1950) resources.push(`arn:aws:s3:::bucket-${resources.length}`);
    const input = roleTemplate({ sessionPolicyTemplate: policy() });
    expect(await validateRoleTemplate(input)).toEqual([]);
    expect(await fieldsOf({ ...input, allowedRegions: ['eu-west-1', 'eu-central-1'] })).toEqual([
      'sessionPolicyTemplate',
    ]);
  });

  it('rejects policy characters AWS does not accept', async () => {
    const policy = policyWith({ ...allow, Sid: undefined, Resource: 'arn:aws:s3:::b/☃' });
    expect(await fieldsOf(roleTemplate({ sessionPolicyTemplate: policy }))).toEqual(['sessionPolicyTemplate']);
    const escaped = policyWith({ ...allow, Resource: 'arn:aws:s3:::b/X' }).replace('/X', '/\\u2603');
    expect(escaped).toContain('\\u2603');
    expect(await fieldsOf(roleTemplate({ sessionPolicyTemplate: escaped }))).toEqual(['sessionPolicyTemplate']);
  });

  it.each([
    [43201, /between 900 and 43200/, undefined],
    [899, /between 900 and 43200/, undefined],
    [1800.5, /whole number/, undefined],
    [7200, /maximum session duration of 3600 seconds/, 3600],
  ])('rejects duration %s', async (durationSeconds, message, maxSessionDuration) => {
    expect(await validateRoleTemplate(roleTemplate({ durationSeconds }), { maxSessionDuration })).toEqual([
      { field: 'durationSeconds', message: expect.stringMatching(message) },
    ]);
  });

  it('accepts the longest duration when the role allows it', async () => {
    expect(await validateRoleTemplate(roleTemplate({ durationSeconds: 43200 }), { maxSessionDuration: 43200 })).toEqual(
      [],
    );
  });

  it.each([
    'arn:aws:iam::12345678901:role/Lab',
    'arn:aws:iam::123456789012:user/Lab',
    'arn:aws:iam::123456789012:role/bad name',
    `arn:aws:iam::123456789012:role/${'r'.repeat(65)}`,
    'arn:aws:s3:::123456789012:role/Lab',
  ])('rejects role ARN %s', async (roleArn) => {
    expect(await fieldsOf(roleTemplate({ roleArn }))).toEqual(['roleArn']);
  });

  it('checks the role belongs to the connection when the account is known', async () => {
    expect(await fieldsOf(roleTemplate(), { accountId: '999999999999' })).toEqual(['roleArn']);
    expect(await fieldsOf(roleTemplate(), { accountId: '123456789012', partition: 'aws' })).toEqual([]);
  });

  it('accepts 47 template tags and refuses 48, since LabKeys adds three', async () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `t${i}`, value: 'v' }));
    expect(await fieldsOf(roleTemplate({ sessionTags: tags(47), transitiveTagKeys: [] }))).toEqual([]);
    const violations = await validateRoleTemplate(roleTemplate({ sessionTags: tags(48), transitiveTagKeys: [] }));
    expect(violations).toEqual([{ field: 'sessionTags', message: expect.stringMatching(/At most 47/) }]);
  });

  it.each([
    [{ key: 'labkeys:lab', value: 'x' }, 'sessionTags[1].key'],
    [{ key: 'AWS:thing', value: 'x' }, 'sessionTags[1].key'],
    [{ key: 'COURSE', value: 'x' }, 'sessionTags[1].key'],
    [{ key: '', value: 'x' }, 'sessionTags[1].key'],
    [{ key: 'k'.repeat(129), value: 'x' }, 'sessionTags[1].key'],
    [{ key: 'bad*key', value: 'x' }, 'sessionTags[1].key'],
    [{ key: 'owner', value: 'a;b' }, 'sessionTags[1].value'],
    [{ key: 'owner', value: '{{student.email}}' }, 'sessionTags[1].value'],
    [{ key: 'owner', value: '{{session.id}}'.repeat(8) }, 'sessionTags[1].value'],
  ])('rejects tag %j', async (tag, field) => {
    const sessionTags = [{ key: 'course', value: '{{course.code}}' }, tag];
    expect(await fieldsOf(roleTemplate({ sessionTags }))).toEqual([field]);
  });

  it('requires transitive tag keys to be session tags', async () => {
    expect(await fieldsOf(roleTemplate({ transitiveTagKeys: ['COURSE', 'labkeys:lab', 'nope'] }))).toEqual([
      'transitiveTagKeys[2]',
    ]);
  });

  it('checks managed policy ARNs, console destination and allowed regions', async () => {
    const input = roleTemplate({
      managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::123456789012:role/NotAPolicy'],
      consoleDestination: 'http://console.example.com/',
      allowedRegions: ['eu-west-1', 'Europe'],
    });
    expect(await fieldsOf(input)).toEqual(['managedPolicyArns[1]', 'consoleDestination', 'allowedRegions[1]']);
    const eleven = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::123456789012:policy/p${i}`);
    expect(await fieldsOf(roleTemplate({ managedPolicyArns: eleven }))).toEqual(['managedPolicyArns']);
    expect(await fieldsOf(roleTemplate({ consoleDestination: 'http://127.0.0.1:4566/console' }))).toEqual([]);
    expect(await fieldsOf(roleTemplate({ consoleDestination: 'javascript:alert(1)' }))).toEqual(['consoleDestination']);
  });

  it('returns every violation at once', async () => {
    const input = roleTemplate({
      roleArn: 'nope',
      durationSeconds: 43201,
      sessionPolicyTemplate: JSON.stringify({ ...S3_LAB_POLICY, Statement: [{ ...allow, Effect: 'Maybe' }] }),
      sessionTags: [{ key: 'aws:x', value: '' }],
      transitiveTagKeys: [],
    });
    expect((await fieldsOf(input)).sort()).toEqual(
      ['durationSeconds', 'roleArn', 'sessionPolicyTemplate.Statement[0].Effect', 'sessionTags[0].key'].sort(),
    );
  });
});
