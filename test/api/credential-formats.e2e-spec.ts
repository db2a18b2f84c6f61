import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bearer } from '../support/api';
import { createClassroom, type Classroom } from '../support/classroom';
import { startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/processes';

const run = promisify(execFile);
const EXTERNAL_ID = 'school-external-id-formats';
/** Python's configparser is what the AWS CLI (botocore) reads ~/.aws/credentials with. */
const INI_AS_AWS_CLI_READS_IT =
  'import configparser, json, sys\nc = configparser.RawConfigParser()\nc.read_string(sys.stdin.read())\nprint(json.dumps({s: dict(c.items(s)) for s in c.sections()}))';

function withStdin(command: string, args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { env }, (error: Error | null, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(input);
  });
}

describe('credential formats carry instructor text safely', () => {
  let pipe: Pipeline;
  let room: Classroom;
  const marker = join(mkdtempSync(join(tmpdir(), 'labkeys-env-')), 'ran');

  beforeAll(async () => {
    pipe = await startPipeline([EXTERNAL_ID], { API_RATE_LIMIT_PER_MINUTE: '100000' });
    room = await createClassroom(pipe.prisma, { students: 1, endpoint: pipe.aws.url, externalId: EXTERNAL_ID });
    await pipe.prisma.lab.update({
      where: { id: room.labId },
      data: { name: 'Week 1\n[default]\naws_access_key_id = AKIAEVILEVILEVILEVIL\r\n; done' },
    });
    await pipe.api.http.post(`/v1/labs/${room.labId}/start`).set(bearer(room.ownerToken)).expect(202);
    await eventually(async () => {
      const res = await pipe.api.http.get('/v1/me/sessions/current').set(bearer(room.students[0].token));
      if (res.status !== 200) throw new Error(`not yet issued: ${res.status}`);
    }, 30000);
  });
  afterAll(async () => {
    await pipe?.close();
  });

  const fetchFormat = (query: string) =>
    pipe.api.http.get(`/v1/me/sessions/current?${query}`).set(bearer(room.students[0].token)).expect(200);

  it('ini: a lab name with a newline and [default] leaves one section with its three keys', async () => {
    const json = (await fetchFormat('format=json')).body;
    const ini = await fetchFormat('format=ini&profile=lab1');
    const parsed = JSON.parse(
      await withStdin('python3', ['-c', INI_AS_AWS_CLI_READS_IT], ini.text, { PATH: process.env.PATH }),
    );
    expect(parsed).toEqual({
      lab1: {
        aws_access_key_id: json.accessKeyId,
        aws_secret_access_key: json.secretAccessKey,
        aws_session_token: json.sessionToken,
      },
    });
  });

  it('env: evaluated by bash in a clean environment, sets exactly the expected variables and runs nothing else', async () => {
    // A row restored from elsewhere may carry anything; the quoting must hold whatever the column holds.
    const hostileEndpoint = `${pipe.aws.url}/$(touch ${marker})\`touch ${marker}\`;touch ${marker} 'quoted'\n touch ${marker}`;
    await pipe.prisma.awsConnection.update({
      where: { id: room.connectionId },
      data: { endpointOverride: hostileEndpoint },
    });
    const json = (await fetchFormat('format=json')).body;
    const env = await fetchFormat('format=env');
    const { stdout } = await run('env', ['-i', 'bash', '--norc', '--noprofile', '-c', `${env.text}\nenv -0`]);
    const vars = Object.fromEntries(
      stdout
        .split('\0')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const shellOwn of ['PWD', 'SHLVL', '_']) delete vars[shellOwn];
    expect(vars).toEqual({
      AWS_ACCESS_KEY_ID: json.accessKeyId,
      AWS_SECRET_ACCESS_KEY: json.secretAccessKey,
      AWS_SESSION_TOKEN: json.sessionToken,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: hostileEndpoint.replace('\n', ' '),
    });
    expect(existsSync(marker)).toBe(false);
  });

  it('fish, PowerShell and cmd: one assignment per variable, values exactly as issued', async () => {
    const json = (await fetchFormat('format=json')).body;
    const patterns: Record<string, RegExp> = {
      fish: /^set -gx (AWS_\w+) '((?:[^'\\]|\\.)*)'$/,
      powershell: /^\$Env:(AWS_\w+) = '((?:[^']|'')*)'$/,
      cmd: /^set "(AWS_\w+)=([^"]*)"$/,
    };
    const unquote: Record<string, (v: string) => string> = {
      fish: (v) => v.replace(/\\(.)/g, '$1'),
      powershell: (v) => v.replace(/''/g, "'"),
      cmd: (v) => v.replace(/%%/g, '%'),
    };
    for (const [format, pattern] of Object.entries(patterns)) {
      const text = (await fetchFormat(`format=${format}`)).text;
      const vars = Object.fromEntries(
        text
          .split(/\r?\n/)
          .filter((line) => line.trim() && !/^(#|rem )/.test(line))
          .map((line) => {
            const match = pattern.exec(line);
            if (!match) throw new Error(`${format}: unexpected line ${line}`);
            return [match[1], unquote[format](match[2])];
          }),
      );
      expect(vars).toMatchObject({
        AWS_ACCESS_KEY_ID: json.accessKeyId,
        AWS_SECRET_ACCESS_KEY: json.secretAccessKey,
        AWS_SESSION_TOKEN: json.sessionToken,
        AWS_REGION: 'us-east-1',
      });
    }
  });
});
