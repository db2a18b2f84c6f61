import type { AwsLocalOptions } from './server';

const USAGE =
  'usage: aws-local --port <port> [--host 127.0.0.1] [--state <file.json>] [--latency-ms N] ' +
  '[--throttle-rate 0..1] [--error-rate 0..1] [--clock-skew-ms N] [--seed N]';

function number(name: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || raw === '' || Number.isNaN(n)) throw new Error(`${name} needs a number\n${USAGE}`);
  return n;
}

export function parseCliOptions(argv: string[]): AwsLocalOptions {
  const options: AwsLocalOptions = { faults: {} };
  const faults = options.faults as NonNullable<AwsLocalOptions['faults']>;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    i++;
    switch (flag) {
      case '--port':
        options.port = number(flag, value);
        break;
      case '--host':
        options.host = value;
        break;
      case '--state':
        options.state = value;
        break;
      case '--latency-ms':
        faults.latencyMs = number(flag, value);
        break;
      case '--throttle-rate':
        faults.throttleRate = number(flag, value);
        break;
      case '--error-rate':
        faults.errorRate = number(flag, value);
        break;
      case '--clock-skew-ms':
        faults.clockSkewMs = number(flag, value);
        break;
      case '--seed':
        faults.seed = number(flag, value);
        break;
      case '--help':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}
