import { parseCliOptions } from './cli-options';

describe('aws-local command line', () => {
  it('reads port, state and faults', () => {
    expect(
      parseCliOptions([
        '--port',
        '4566',
        '--state',
        'world.json',
        '--latency-ms',
        '20',
        '--throttle-rate',
        '0.3',
        '--error-rate',
        '0.1',
        '--clock-skew-ms',
        '-5000',
      ]),
    ).toEqual({
      port: 4566,
      state: 'world.json',
      faults: { latencyMs: 20, throttleRate: 0.3, errorRate: 0.1, clockSkewMs: -5000 },
    });
  });

  it('refuses unknown flags and non-numbers', () => {
    expect(() => parseCliOptions(['--prot', '1'])).toThrow(/unknown option --prot/);
    expect(() => parseCliOptions(['--port', 'x'])).toThrow(/--port needs a number/);
  });
});
