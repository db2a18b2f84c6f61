#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, EXIT } from './cli-error';
import * as commands from './commands';

const HELP: Record<string, string> = {
  labkeys: `labkeys — your lab's temporary AWS credentials from LabKeys

usage: labkeys <command> [options]

commands:
  login <access-link>     store the access link your instructor sent (once per lab course)
  login --sso <page>      sign in through your school instead (its LabKeys sign-in page: …/student/sso/…)
  course [CODE]           after a school sign-in: list your courses, or choose the one to work in
  logout                  forget it
  status                  lab, state and expiry of your credentials
  creds                   print the credentials (--format json|env|fish|powershell|cmd|ini)
  configure               add a profile to ~/.aws/config that fetches current credentials by itself
  credential-process      what that profile runs (Version 1 JSON for the AWS CLI and SDKs)
  write                   write the current keys into ~/.aws/credentials
  console                 open the AWS console (--print to print the one-time link instead)

options for every command:
  --profile NAME          which stored link, and the AWS profile name (default: labkeys)
  --wait                  wait while credentials are still being issued (up to --wait-seconds, 300)
  -h, --help              help for a command: labkeys <command> --help

exit codes: 0 ok, 2 usage, 3 not logged in, 4 link refused (wrong, replaced, expired, removed from the course),
5 not ready yet (being issued / lab not started), 6 access ended (the reason is printed), 7 LabKeys unreachable.
`,
  login: `usage: labkeys login <access-link> [--profile NAME]
       labkeys login --sso <school sign-in page> [--provider NAME] [--course CODE] [--print] [--profile NAME]

Stores the access link (…/student#token=…) for the profile in $XDG_CONFIG_HOME/labkeys/profiles.json, readable by
you only. A link LabKeys refuses is not stored.

With --sso, signs in through your school instead: the CLI listens on 127.0.0.1 (a free port), opens the school's
sign-in in your browser (--print: only prints the URL), and LabKeys sends the browser back to the CLI with a
one-time code that only this CLI can exchange. The token it gets is stored like an access link (30 days).
`,
  course: `usage: labkeys course [CODE] [--profile NAME]

After labkeys login --sso: lists your courses, or chooses the one whose lab the other commands then work with.
`,
  logout: 'usage: labkeys logout [--profile NAME]\n\nForgets the stored access link of the profile.\n',
  status:
    'usage: labkeys status [--profile NAME] [--wait]\n\nPrints the lab, the state and the expiry; exits non-zero with the reason when there is no access.\n',
  creds: `usage: labkeys creds [--format json|env|fish|powershell|cmd|ini] [--profile NAME] [--wait]

  env          bash/zsh:   eval "$(labkeys creds --format env)"
  fish         fish:       labkeys creds --format fish | source
  powershell   PowerShell: labkeys creds --format powershell | Invoke-Expression
  cmd          Windows cmd (save as a .cmd file and run it)
  ini          a ~/.aws/credentials profile
  json         everything, as JSON (the default)
`,
  configure: `usage: labkeys configure [--profile NAME]

Writes [profile NAME] with "credential_process = labkeys credential-process --profile NAME" and the lab's region
into ~/.aws/config (or $AWS_CONFIG_FILE), keeping every other section and comment; running it again changes
nothing. The AWS CLI and SDKs then fetch current credentials themselves, renewals included.
`,
  'credential-process':
    'usage: labkeys credential-process [--profile NAME]\n\nPrints credential_process Version 1 JSON; waits while credentials are being issued.\n',
  write: `usage: labkeys write [--profile NAME]

Writes the current keys as [NAME] into ~/.aws/credentials (or $AWS_SHARED_CREDENTIALS_FILE), mode 0600, keeping every
other section. The keys stop working when they expire: prefer "labkeys configure", which stays current.
`,
  console:
    'usage: labkeys console [--print] [--profile NAME]\n\nOpens the AWS console signed in with your lab credentials; --print prints the one-time link (valid 15 minutes).\n',
};

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        profile: { type: 'string' },
        format: { type: 'string' },
        wait: { type: 'boolean' },
        'wait-seconds': { type: 'string' },
        print: { type: 'boolean' },
        sso: { type: 'boolean' },
        provider: { type: 'string' },
        course: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${HELP.labkeys}`, EXIT.usage);
  }
  const [command, ...rest] = parsed.positionals;
  const v = parsed.values;
  if (!command || command === 'help') {
    process.stdout.write(HELP[rest[0] ?? 'labkeys'] ?? HELP.labkeys);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (!(command in HELP) || command === 'labkeys')
    throw new CliError(`unknown command "${command}"\n\n${HELP.labkeys}`, EXIT.usage);
  if (v.help) {
    process.stdout.write(HELP[command]);
    return EXIT.ok;
  }
  const waitSeconds = v['wait-seconds'] === undefined ? 300 : Number(v['wait-seconds']);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0)
    throw new CliError('--wait-seconds must be a number of seconds', EXIT.usage);
  const profile = v.profile ?? 'labkeys';
  if (!/^[\w.-]{1,64}$/.test(profile))
    throw new CliError('--profile must be 1-64 letters, digits, _ . or -', EXIT.usage);
  const options: commands.Options = {
    profile,
    format: v.format,
    wait: v.wait,
    print: v.print,
    waitSeconds,
    sso: v.sso,
    provider: v.provider,
    course: v.course,
  };
  const io: commands.Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(`${t}\n`) };
  // How the AWS CLI runs this same program again for credential_process.
  // The script's real path, not the link npx or a global install ran it through (npx's cache can be cleared).
  const self = [process.execPath, realpathSync(process.argv[1])];
  switch (command) {
    case 'login':
      await commands.login(rest[0], options, io);
      break;
    case 'logout':
      commands.logout(options, io);
      break;
    case 'course':
      await commands.course(rest[0], options, io);
      break;
    case 'status':
      await commands.status(options, io);
      break;
    case 'creds':
      await commands.creds(options, io);
      break;
    case 'credential-process':
      await commands.credentialProcess(options, io);
      break;
    case 'configure':
      await commands.configure(options, io, self);
      break;
    case 'write':
      await commands.write(options, io);
      break;
    case 'console':
      await commands.consoleLink(options, io);
      break;
  }
  return EXIT.ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`labkeys: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`labkeys: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
