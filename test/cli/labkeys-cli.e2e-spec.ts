import { studentShellEnv } from '../support/env';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually, ROOT } from '../support/processes';

const run = promisify(execFile);
const EXTERNAL_ID = 'school-external-id-cli';
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Issue 13, acceptance 3: the `labkeys` CLI driven as a student would, against the real api, worker and
 * aws-local, with the real AWS CLI reading what it writes. Asynchronous child processes on purpose: the api
 * answering them runs in this process.
 */
describe('the labkeys CLI', () => {
  let pipeline: Pipeline;
  let room: Classroom;
  let home: string;

  const env = () => studentShellEnv(home);
  async function exec(file: string, args: string[], extra: Record<string, string> = {}): Promise<Ran> {
    try {
      const { stdout, stderr } = await run(file, args, { env: { ...env(), ...extra }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }
  const labkeys = (...args: string[]) => exec(process.execPath, [CLI, ...args]);
  const aws = (...args: string[]) => exec('aws', [...args, '--endpoint-url', pipeline.aws.url, '--output', 'json']);

  beforeAll(async () => {
    // 900 s sessions renewed 10 s after issue.
    pipeline = await startPipeline([EXTERNAL_ID], { RENEW_LEAD_SECONDS: '890', API_RATE_LIMIT_PER_MINUTE: '100000' });
    room = await createClassroom(pipeline.prisma, {
      students: 2,
      endpoint: pipeline.aws.url,
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
      autoRenew: true,
    });
    home = mkdtempSync(join(tmpdir(), 'labkeys-cli-'));
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('logs in, configures the AWS CLI through credential_process, follows a renewal, writes files and opens the console', async () => {
    const { api, prisma, baseUrl } = pipeline;
    const student = room.students[0];
    expect((await labkeys('status')).code).toBe(3);
    const wrong = await labkeys('login', `${baseUrl}/student#token=lks_${'x'.repeat(43)}`);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('refused');

    expect((await labkeys('login', `${baseUrl}/student#token=${student.token}`, '--profile', 'lab')).code).toBe(0);
    const store = join(home, '.config', 'labkeys', 'profiles.json');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const notYet = await labkeys('status', '--profile', 'lab');
    expect(notYet.code).toBe(5);

    await api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    const ready = await labkeys('status', '--profile', 'lab', '--wait', '--wait-seconds', '30');
    expect(ready.code).toBe(0);
    expect(ready.stdout).toContain('ACTIVE');

    // configure: an existing section and a comment stay as they were; a second run changes nothing.
    mkdirSync(join(home, '.aws'), { recursive: true });
    writeFileSync(join(home, '.aws', 'config'), '# my settings\n[profile other]\nregion = eu-west-1\noutput = text\n', {
      flag: 'w',
    });
    expect((await labkeys('configure', '--profile', 'lab')).code).toBe(0);
    const once = readFileSync(join(home, '.aws', 'config'), 'utf8');
    expect((await labkeys('configure', '--profile', 'lab')).code).toBe(0);
    expect(readFileSync(join(home, '.aws', 'config'), 'utf8')).toBe(once);
    expect(once.startsWith('# my settings\n[profile other]\nregion = eu-west-1\noutput = text\n')).toBe(true);
    expect(once).toContain('[profile lab]');
    expect(once).toMatch(/credential_process = .* credential-process --profile lab/);

    const first = await prisma.labSession.findFirstOrThrow({ where: { labId: room.labId, studentId: student.id } });
    const who = await aws('--profile', 'lab', 'sts', 'get-caller-identity');
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout).Arn).toBe(first.assumedRoleArn);

    // After the renewal the same command, unchanged, answers with the successor's session.
    await eventually(async () => {
      const next = await prisma.labSession.findFirst({ where: { predecessorId: first.id, state: 'ACTIVE' } });
      if (!next) throw new Error('no successor yet');
    }, 40000);
    const successor = await prisma.labSession.findFirstOrThrow({ where: { predecessorId: first.id } });
    const after = await aws('--profile', 'lab', 'sts', 'get-caller-identity');
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout).Arn).toBe(successor.assumedRoleArn);

    // write: a credentials file the AWS CLI reads, other sections untouched, mode 0600.
    writeFileSync(
      join(home, '.aws', 'credentials'),
      '[work]\naws_access_key_id = AKIAEXAMPLEWORK\naws_secret_access_key = keep-me\n',
    );
    expect((await labkeys('write', '--profile', 'lab')).code).toBe(0);
    const credentials = readFileSync(join(home, '.aws', 'credentials'), 'utf8');
    expect(
      credentials.startsWith('[work]\naws_access_key_id = AKIAEXAMPLEWORK\naws_secret_access_key = keep-me\n'),
    ).toBe(true);
    expect(statSync(join(home, '.aws', 'credentials')).mode & 0o777).toBe(0o600);
    expect(credentials).toContain('[lab]');
    // Read from the credentials file alone (no config file, so no credential_process).
    const viaFile = await exec(
      'aws',
      [
        '--profile',
        'lab',
        '--region',
        'us-east-1',
        'sts',
        'get-caller-identity',
        '--endpoint-url',
        pipeline.aws.url,
        '--output',
        'json',
      ],
      { AWS_CONFIG_FILE: '/dev/null' },
    );
    expect(viaFile.code).toBe(0);
    expect(JSON.parse(viaFile.stdout).Arn).toBe(successor.assumedRoleArn);

    // console --print: a one-time link that reaches aws-local's console page.
    const link = await labkeys('console', '--print', '--profile', 'lab');
    expect(link.code).toBe(0);
    const page = await fetch(link.stdout.trim());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(successor.assumedRoleArn!);

    // Removed from the course: status fails with the reason.
    const enrollment = await prisma.enrollment.findFirstOrThrow({
      where: { courseId: room.courseId, studentId: student.id },
    });
    await api.http
      .delete(`/v1/courses/${room.courseId}/enrollments/${enrollment.id}`)
      .set(bearer(room.ownerToken))
      .expect(204);
    const removed = await labkeys('status', '--profile', 'lab');
    expect(removed.code).toBe(4);
    expect(removed.stderr).toMatch(/refused this access link: The token is invalid, expired or revoked/);
  });

  it('prints every format, refuses a bad one, and explains each command', async () => {
    const other = room.students[1];
    expect((await labkeys('login', `${pipeline.baseUrl}/student#token=${other.token}`)).code).toBe(0);
    const env_ = await labkeys('creds', '--format', 'env', '--wait', '--wait-seconds', '30');
    expect(env_.code).toBe(0);
    // Evaluated by bash in a clean environment: exactly the expected variables.
    const { stdout } = await run('env', ['-i', 'bash', '-c', `${env_.stdout}\nenv`]);
    const vars = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
        .filter(([k]) => k.startsWith('AWS_')),
    );
    const json = JSON.parse((await labkeys('creds')).stdout) as {
      accessKeyId: string;
      secretAccessKey: string;
      sessionToken: string;
      region: string;
    };
    expect(vars.AWS_ACCESS_KEY_ID).toBe(json.accessKeyId);
    expect(vars.AWS_SECRET_ACCESS_KEY).toBe(json.secretAccessKey);
    expect(vars.AWS_SESSION_TOKEN).toBe(json.sessionToken);
    expect(vars.AWS_REGION).toBe(json.region);
    for (const format of ['fish', 'powershell', 'cmd', 'ini']) {
      const out = await labkeys('creds', '--format', format);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(json.accessKeyId);
    }
    expect((await labkeys('creds', '--format', 'yaml')).code).toBe(2);
    for (const command of [
      'login',
      'status',
      'creds',
      'configure',
      'credential-process',
      'write',
      'console',
      'logout',
    ]) {
      const help = await labkeys(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`labkeys ${command}`);
    }
    expect((await labkeys('logout')).code).toBe(0);
    expect((await labkeys('status')).code).toBe(3);
  });
});
