import { studentShellEnv } from '../support/env';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken } from '@labkeys/secrets';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { testPrisma } from '../support/factories';
import { ROOT } from '../support/processes';
import { addProvider, PASSWORD, SsoBrowser, startSsoWorld, type SsoWorld } from './support';

const EXTERNAL_ID = 'school-sso-cli-external-id';
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');

interface Running {
  /** Resolves with each line the CLI prints, as it prints it. */
  lines: string[];
  line(match: RegExp): Promise<string>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Issue 15, acceptance 4: `labkeys login --sso` against the real local provider. The test is the browser: it opens
 * the URL the CLI prints, fills in the provider's forms, and follows LabKeys' redirect to the CLI's loopback
 * listener; the CLI then fetches credentials with the token it got.
 */
describe('labkeys login --sso', () => {
  let world: SsoWorld;
  let room: Classroom;
  let home: string;
  let secondCourse: string;

  const env = () => studentShellEnv(home);

  function labkeys(...args: string[]): Running {
    const child = spawn(process.execPath, [CLI, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const lines: string[] = [];
    const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of d.toString().split('\n').filter(Boolean)) {
        lines.push(line);
        for (const w of waiters.filter((w) => w.match.test(line))) w.resolve(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stdout, stderr })),
    );
    return {
      lines,
      exit,
      line: (match) =>
        new Promise((resolve, reject) => {
          const seen = lines.find((l) => match.test(l));
          if (seen) return resolve(seen);
          waiters.push({ match, resolve });
          void exit.then((e) => reject(new Error(`the CLI exited (${e.code}) first: ${e.stdout} ${e.stderr}`)));
        }),
    };
  }

  /** The browser's part: the printed URL, the provider's forms, LabKeys' callback, then the CLI's loopback. */
  async function playBrowser(startUrl: string, login: string): Promise<{ loopback: string; status: number }> {
    const browser = new SsoBrowser(world.baseUrl);
    const start = new URL(startUrl);
    const landed = await browser.callback(
      await browser.atProvider(await browser.start(`${start.pathname}${start.search}`), { login, password: PASSWORD }),
    );
    expect(landed.status).toBe(302);
    expect(landed.location).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/);
    const res = await fetch(landed.location, { signal: AbortSignal.timeout(10_000) });
    await res.text();
    return { loopback: landed.location, status: res.status };
  }

  beforeAll(async () => {
    const prisma = testPrisma();
    room = await createClassroom(prisma, {
      students: 1,
      endpoint: 'http://127.0.0.1:9',
      externalId: EXTERNAL_ID,
      durationSeconds: 900,
    });
    // The student is in a second course too: the CLI must let them choose.
    const course = await prisma.course.create({
      data: { tenantId: room.tenantId, code: `SEC-${randomBytes(2).toString('hex')}`, title: 'Security Basics' },
    });
    secondCourse = course.code;
    await prisma.enrollment.create({
      data: {
        tenantId: room.tenantId,
        courseId: course.id,
        studentId: room.students[0].id,
        accessTokenHash: hashToken(`lks_${randomBytes(32).toString('base64url')}`),
        tokenIssuedAt: new Date(),
      },
    });
    await prisma.$disconnect();
    world = await startSsoWorld(
      [EXTERNAL_ID],
      [
        { login: 'student', password: PASSWORD, email: room.students[0].email },
        { login: 'nobody', password: PASSWORD, email: 'nobody@example.edu' },
      ],
    );
    await world.prisma.awsConnection.update({
      where: { id: room.connectionId },
      data: { endpointOverride: world.aws.url },
    });
    await addProvider(world, room.ownerToken, { audience: 'students' });
    home = mkdtempSync(join(tmpdir(), 'labkeys-sso-cli-'));
  });
  afterAll(async () => {
    await world?.close();
  });

  const signInPage = () => `${world.baseUrl}/student/sso/${room.tenantId}`;

  it('signs in through the browser and the loopback, chooses a course, then fetches credentials', async () => {
    const run = labkeys('login', '--sso', signInPage(), '--print', '--profile', 'lab');
    const url = await run.line(/\/v1\/auth\/sso\/start\//);
    expect(url).toMatch(/purpose=student-cli&port=\d+&challenge=[A-Za-z0-9_-]{43}$/);
    const browser = await playBrowser(url, 'student');
    expect(browser.status).toBe(200);
    const done = await run.exit;
    // Signed in and stored, but in two courses: the CLI asks which.
    expect(done.code).toBe(2);
    expect(done.stderr).toContain('several courses');
    expect(done.stderr).toContain(room.courseCode);
    expect(done.stderr).toContain(secondCourse);
    const store = join(home, '.config', 'labkeys', 'profiles.json');
    expect(statSync(store).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(store, 'utf8')) as { profiles: Record<string, { token: string }> };
    expect(stored.profiles.lab.token).toMatch(/^lkc_[A-Za-z0-9_-]{43}$/);
    // The code in the loopback URL was exchanged once: again, it is refused.
    const code = new URL(browser.loopback).searchParams.get('code')!;
    const replay = await world.api.http
      .post('/v1/auth/sso/cli/exchange')
      .send({ code, verifier: randomBytes(32).toString('base64url') });
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe('cli_code_unknown');

    const chosen = await labkeys('course', room.courseCode, '--profile', 'lab').exit;
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toContain(`Working in ${room.courseCode}`);

    await world.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    const creds = await labkeys('creds', '--profile', 'lab', '--wait', '--wait-seconds', '30').exit;
    expect(creds.code).toBe(0);
    const parsed = JSON.parse(creds.stdout) as { labId: string; accessKeyId: string; state: string };
    expect(parsed).toMatchObject({ labId: room.labId, state: 'ACTIVE', accessKeyId: expect.any(String) });
    const configured = await labkeys('configure', '--profile', 'lab').exit;
    expect(configured.code).toBe(0);
    expect(readFileSync(join(home, '.aws', 'config'), 'utf8')).toMatch(
      /credential_process = .* credential-process --profile lab/,
    );
  });

  it('prints the school’s refusal when the signed-in user has no enrollment, and stores nothing', async () => {
    const run = labkeys('login', '--sso', signInPage(), '--print', '--profile', 'nobody');
    const url = await run.line(/\/v1\/auth\/sso\/start\//);
    const browser = await playBrowser(url, 'nobody');
    expect(new URL(browser.loopback).searchParams.get('error')).toBe('no_enrollment');
    expect(browser.status).toBe(400);
    const done = await run.exit;
    expect(done.code).toBe(4);
    expect(done.stderr).toContain('no current course');
    const stored = JSON.parse(readFileSync(join(home, '.config', 'labkeys', 'profiles.json'), 'utf8')) as {
      profiles: Record<string, unknown>;
    };
    expect(stored.profiles.nobody).toBeUndefined();
  });

  it('refuses a loopback start without its port and challenge', async () => {
    const browser = new SsoBrowser(world.baseUrl);
    const providers = (await world.api.http.get(`/v1/auth/sso/tenants/${room.tenantId}?for=students`).expect(200)).body
      .providers as { id: string }[];
    const res = await browser.get(`/v1/auth/sso/start/${room.tenantId}/${providers[0].id}?purpose=student-cli`);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, world.baseUrl).searchParams.get('sso_error')).toBe('code_missing');
  });
});
