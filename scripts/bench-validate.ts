/**
 * bench:validate — the role-template validator on the action `s3:` + `*?`×N + `0` (the pattern that froze the
 * api when actions were matched with `.*` regexes) for N = 8 (the most wildcards the cap lets through to the
 * catalogue match), 10, 100, 1000, against a plain template in the same run. In-process: the validator is pure code over the bundled IAM catalogue, so no service is needed.
 */
import { validateRoleTemplate, type RoleTemplateInput } from '@labkeys/templates';

const ROUNDS = 20;

const template = (action: string): RoleTemplateInput => ({
  roleArn: 'arn:aws:iam::123456789012:role/LabKeysLab',
  durationSeconds: 3600,
  sessionPolicyTemplate: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
  }),
});

/** Median milliseconds of one validation, after a warm-up that loads the s3 catalogue. */
async function medianMs(input: RoleTemplateInput): Promise<number> {
  await validateRoleTemplate(input);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await validateRoleTemplate(input);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const plainMs = await medianMs(template('s3:GetObject'));
  console.log(`plain template (s3:GetObject): ${plainMs.toFixed(3)} ms`);
  const hostile: Record<string, number> = {};
  for (const n of [8, 10, 100, 1000]) {
    const ms = await medianMs(template(`s3:${'*?'.repeat(n)}0`));
    hostile[n] = Number(ms.toFixed(3));
    console.log(`s3: + *?×${n} + 0: ${ms.toFixed(3)} ms (${(ms / plainMs).toFixed(2)}x plain)`);
  }
  console.log(
    JSON.stringify({
      rounds: ROUNDS,
      plainMs: Number(plainMs.toFixed(3)),
      hostileMs: hostile,
      worstRatio: Number((Math.max(...Object.values(hostile)) / plainMs).toFixed(2)),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
