import { buildAssumeRoleInput, roleSessionNameFor } from './assume-role-input.builder';
import { RESERVED_TAG_KEYS } from './aws-limits.constants';
import { TemplateRenderError } from './placeholder.catalog';
import { assumeRoleContext, roleTemplate } from './role-template.fixtures';
import { REGION_GUARD_EXEMPT_ACTIONS, renderSessionPolicy } from './session-policy.renderer';

const ctx = assumeRoleContext();

describe('renderSessionPolicy', () => {
  it('renders placeholders into string values and keys, minified', () => {
    const template = roleTemplate({
      sessionPolicyTemplate: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: 'arn:{{partition}}:s3:::{{ course.code }}/{{student.handle}}/*',
              Condition: { StringEquals: { 'aws:ResourceTag/{{course.code}}': '{{lab.id}}' } },
            },
          ],
        },
        null,
        2,
      ),
    });
    expect(renderSessionPolicy(template, ctx)).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",' +
        '"Resource":"arn:aws:s3:::CS101/s-abcdefghij/*",' +
        '"Condition":{"StringEquals":{"aws:ResourceTag/CS101":"22222222-2222-4222-8222-222222222222"}}}]}',
    );
  });

  it('keeps the document intact around characters that need escaping', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/"quoted"\\{{course.code}}\n' },
      ],
    };
    const rendered = renderSessionPolicy(roleTemplate({ sessionPolicyTemplate: JSON.stringify(policy) }), {
      ...ctx,
      courseCode: 'CS 101/A+B',
    });
    expect(JSON.parse(rendered!)).toEqual({
      ...policy,
      Statement: [{ ...policy.Statement[0], Resource: 'arn:aws:s3:::b/"quoted"\\CS 101/A+B\n' }],
    });
  });

  it('refuses values that could break the document instead of inserting them', () => {
    for (const courseCode of ['CS101","Effect":"Allow', 'x\\', '']) {
      expect(() => renderSessionPolicy(roleTemplate(), { ...ctx, courseCode })).toThrow(/course\.code/);
    }
    expect(() => renderSessionPolicy(roleTemplate(), { ...ctx, studentHandle: 'Alice@example.com' })).toThrow(
      TemplateRenderError,
    );
  });

  it('returns undefined without a policy or regions', () => {
    expect(renderSessionPolicy(roleTemplate({ sessionPolicyTemplate: null }), ctx)).toBeUndefined();
    expect(renderSessionPolicy(roleTemplate({ sessionPolicyTemplate: '  ' }), ctx)).toBeUndefined();
  });

  it('appends the region deny to the template, or pairs it with allow-all when there is nothing else', () => {
    const guard = {
      Effect: 'Deny',
      NotAction: REGION_GUARD_EXEMPT_ACTIONS,
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } },
    };
    const allowedRegions = ['eu-west-1', 'eu-central-1', 'eu-west-1'];
    const single = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    });
    expect(
      JSON.parse(renderSessionPolicy(roleTemplate({ sessionPolicyTemplate: single, allowedRegions }), ctx)!),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }, guard],
    });
    const bare = roleTemplate({ sessionPolicyTemplate: null, managedPolicyArns: [], allowedRegions });
    expect(JSON.parse(renderSessionPolicy(bare, ctx)!).Statement).toEqual([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      guard,
    ]);
    // An allow-all beside managed session policies would widen them; the deny alone narrows.
    const managed = roleTemplate({ sessionPolicyTemplate: null, allowedRegions });
    expect(JSON.parse(renderSessionPolicy(managed, ctx)!).Statement).toEqual([guard]);
  });
});

describe('buildAssumeRoleInput', () => {
  it('produces the exact AssumeRole parameters', () => {
    const template = roleTemplate({
      sessionPolicyTemplate:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{course.code}}/{{student.handle}}/*"}]}',
    });
    expect(buildAssumeRoleInput(template, ctx)).toStrictEqual({
      RoleArn: 'arn:aws:iam::123456789012:role/labs/LabKeysStudent',
      RoleSessionName: 'lk-s-abcdefghij-3a4b5c6d',
      DurationSeconds: 3600,
      Policy:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::CS101/s-abcdefghij/*"}]}',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [
        { Key: 'labkeys:tenant', Value: ctx.tenantId },
        { Key: 'labkeys:lab', Value: ctx.labId },
        { Key: 'labkeys:session', Value: ctx.sessionId },
        { Key: 'course', Value: 'CS101' },
        { Key: 'student', Value: 'student s-abcdefghij' },
      ],
      TransitiveTagKeys: ['course'],
      SourceIdentity: 's-abcdefghij',
      ExternalId: 'lk-ext-0123456789',
    });
  });

  it('leaves out optional members the template does not use', () => {
    const input = buildAssumeRoleInput(
      roleTemplate({ sessionPolicyTemplate: null, managedPolicyArns: [], sessionTags: [], transitiveTagKeys: [] }),
      { ...ctx, roleSessionName: 'custom-name', durationSeconds: 900 },
    );
    expect(Object.keys(input)).toEqual([
      'RoleArn',
      'RoleSessionName',
      'DurationSeconds',
      'Tags',
      'SourceIdentity',
      'ExternalId',
    ]);
    expect(input.RoleSessionName).toBe('custom-name');
    expect(input.DurationSeconds).toBe(900);
    expect(input.Tags!.map((t) => t.Key)).toEqual([...RESERVED_TAG_KEYS]);
  });

  it('keeps the session name within STS limits for the longest handle', () => {
    const studentHandle = `s${'-z9'.repeat(10)}x`;
    expect(studentHandle).toHaveLength(32);
    const name = buildAssumeRoleInput(roleTemplate(), { ...ctx, studentHandle }).RoleSessionName!;
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(roleSessionNameFor({ studentHandle, sessionId: ctx.sessionId })).toBe(`lk-${studentHandle}-3a4b5c6d`);
  });

  it.each([
    ['a session name with a colon', { roleSessionName: 'a:b' }, /RoleSessionName/],
    ['a one-character session name', { roleSessionName: 'a' }, /RoleSessionName/],
    ['a short external id', { externalId: 'x' }, /ExternalId/],
    ['a duration of 43201', { durationSeconds: 43201 }, /DurationSeconds/],
    ['a handle derived from an email', { studentHandle: 'alice@example.com' }, /student\.handle/],
    ['a session id that is not a UUID', { sessionId: 'abc' }, /session\.id/],
  ])('refuses %s', (_case, overrides, message) => {
    expect(() => buildAssumeRoleInput(roleTemplate(), { ...ctx, ...overrides })).toThrow(message);
  });
});
