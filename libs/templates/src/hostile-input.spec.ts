import { isConditionOperator } from './condition-operator.catalog';
import { exceedsJsonDepth } from './json-depth.util';
import { placeholderProblems, substitute, worstCaseValue } from './placeholder.catalog';
import { roleTemplate } from './role-template.fixtures';
import { validateRoleTemplate } from './role-template.validator';
import { validateSessionTags } from './session-tags.validator';

/** Each validator and parser of the library, fed input built to be slow or deep; each must answer promptly. */
const PROMPT_MS = 1000;
const policyWith = (statement: Record<string, unknown>) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [statement] });

async function timed<T>(run: () => T | Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

describe('hostile input to the template validators', () => {
  it.each([10, 100, 1000])('refuses the action s3:(*?)×%i0 promptly, naming the action', async (n) => {
    const action = `s3:${'*?'.repeat(n)}0`;
    const { result, ms } = await timed(() =>
      validateRoleTemplate(
        roleTemplate({ sessionPolicyTemplate: policyWith({ Effect: 'Allow', Action: action, Resource: '*' }) }),
      ),
    );
    expect(result.map((v) => v.field)).toContain('sessionPolicyTemplate.Statement[0].Action');
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it('matches the most action patterns a policy can hold against the largest service promptly', async () => {
    // Wildcard-rich, all distinct, all against ec2 (826 actions): the worst the catalogue check can be given.
    const actions = Array.from({ length: 300 }, (_, i) => `ec2:*?*?*?*?*?*?*De${i}*`);
    const { result, ms } = await timed(() =>
      validateRoleTemplate(
        roleTemplate({ sessionPolicyTemplate: policyWith({ Effect: 'Allow', Action: actions, Resource: '*' }) }),
      ),
    );
    expect(result.length).toBeGreaterThan(0);
    expect(ms).toBeLessThan(PROMPT_MS * 2);
  });

  it('refuses more actions than a session policy can hold without matching them', async () => {
    const actions = Array.from({ length: 5000 }, (_, i) => `ec2:*?*?*?*X${i}`);
    const { result, ms } = await timed(() =>
      validateRoleTemplate(
        roleTemplate({ sessionPolicyTemplate: policyWith({ Effect: 'Allow', Action: actions, Resource: '*' }) }),
      ),
    );
    expect(result.map((v) => v.message)).toContain('A session policy holds at most 341 actions');
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it('refuses a deeply nested policy with a violation instead of overflowing the stack', async () => {
    const deep = `{"Version":"2012-10-17","Statement":${'['.repeat(30000)}${']'.repeat(30000)}}`;
    const { result, ms } = await timed(() => validateRoleTemplate(roleTemplate({ sessionPolicyTemplate: deep })));
    expect(result).toEqual([{ field: 'sessionPolicyTemplate', message: expect.stringContaining('nests deeper') }]);
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it('scans placeholders linearly (the old pattern backtracked cubically over spaces)', async () => {
    const spaces = `{{${' '.repeat(60000)}x`;
    const { result, ms } = await timed(() =>
      validateRoleTemplate(
        roleTemplate({
          sessionPolicyTemplate: policyWith({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${spaces}`,
          }),
        }),
      ),
    );
    expect(result.map((v) => v.field)).toContain('sessionPolicyTemplate.Statement[0].Resource');
    expect(ms).toBeLessThan(PROMPT_MS);
    const many = timed(() => placeholderProblems('{{ nope }}'.repeat(6000)));
    expect((await many).ms).toBeLessThan(PROMPT_MS);
    expect(substitute(`{{   region   }}${' '.repeat(50000)}`, worstCaseValue).startsWith('x'.repeat(25))).toBe(true);
  });

  it('reports at most 100 violations for a template full of them', async () => {
    const result = await validateRoleTemplate(
      roleTemplate({
        sessionPolicyTemplate: policyWith({
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${'{{nope}}'.repeat(5000)}`,
        }),
      }),
    );
    expect(result.length).toBeLessThanOrEqual(100);
    expect(result[0].message.length).toBeLessThan(1000);
  });

  it('refuses a huge session tag value before expanding its placeholders', async () => {
    const { result, ms } = await timed(() =>
      validateSessionTags({ sessionTags: [{ key: 'k', value: `{{${' '.repeat(100000)}` }] }),
    );
    expect(result).toEqual([{ field: 'sessionTags[0].value', message: expect.stringContaining('at most 1024') }]);
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it('checks a 100k-character condition operator name in linear time', async () => {
    const { result, ms } = await timed(() => isConditionOperator(`ForAnyValue:${'IfExists'.repeat(12500)}`));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(PROMPT_MS);
  });

  it('measures JSON depth without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(100000)}${']'.repeat(100000)}`);
    expect(exceedsJsonDepth(deep, 8)).toBe(true);
    expect(exceedsJsonDepth({ a: [{ b: { c: [1] } }] }, 5)).toBe(false);
    expect(exceedsJsonDepth({ a: [{ b: { c: [1] } }] }, 4)).toBe(true);
    expect(exceedsJsonDepth('scalar', 0)).toBe(false);
  });
});
