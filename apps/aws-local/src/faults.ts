import { AwsError } from './errors';

/**
 * Injected misbehaviour. Rates are probabilities per call in [0, 1]. `actions` limits throttling and
 * errors to some services or actions (`"sts"`, `"sts:AssumeRole"`); latency can be set per service or
 * action through `latencyByAction`. A `seed` makes the random draws repeatable for tests.
 * `throttleRoleSessionNames` throttles every STS call whose RoleSessionName starts with one of its prefixes
 * (always, not by chance): one student's issuance held back while the rest of a class goes on.
 */
export interface Faults {
  latencyMs: number;
  latencyByAction: Record<string, number>;
  throttleRate: number;
  errorRate: number;
  clockSkewMs: number;
  actions: string[] | null;
  seed: number | null;
  throttleRoleSessionNames: string[];
}

export const NO_FAULTS: Faults = {
  latencyMs: 0,
  latencyByAction: {},
  throttleRate: 0,
  errorRate: 0,
  clockSkewMs: 0,
  actions: null,
  seed: null,
  throttleRoleSessionNames: [],
};

/** mulberry32: tiny, fast and good enough for fault draws. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function validateFaults(input: Partial<Faults>): Partial<Faults> {
  const rate = (name: 'throttleRate' | 'errorRate'): void => {
    const v = input[name];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
      throw new Error(`${name} must be a number between 0 and 1`);
    }
  };
  rate('throttleRate');
  rate('errorRate');
  for (const name of ['latencyMs', 'clockSkewMs'] as const) {
    const v = input[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v))) throw new Error(`${name} must be a number`);
  }
  if (input.latencyMs !== undefined && input.latencyMs < 0) throw new Error('latencyMs must be >= 0');
  const names = input.throttleRoleSessionNames;
  if (names !== undefined && !(Array.isArray(names) && names.every((n) => typeof n === 'string' && n.length > 0)))
    throw new Error('throttleRoleSessionNames must be a list of non-empty prefixes');
  return input;
}

export type InjectedFault = { kind: 'throttle' | 'error'; error: AwsError } | null;

export class FaultInjector {
  private current: Faults = { ...NO_FAULTS };
  private random: () => number = Math.random;

  get(): Faults {
    return {
      ...this.current,
      latencyByAction: { ...this.current.latencyByAction },
      throttleRoleSessionNames: [...this.current.throttleRoleSessionNames],
    };
  }

  /** Merges a partial update; a new seed restarts the random sequence. */
  set(update: Partial<Faults>): Faults {
    validateFaults(update);
    this.current = { ...this.current, ...update };
    if (update.seed !== undefined) {
      this.random = this.current.seed === null ? Math.random : seededRandom(this.current.seed);
    }
    return this.get();
  }

  skewMs(): number {
    return this.current.clockSkewMs;
  }

  latencyFor(service: string, action: string): number {
    const byAction = this.current.latencyByAction;
    return byAction[`${service}:${action}`] ?? byAction[service] ?? this.current.latencyMs;
  }

  /** Draws throttling first, then a server error, for calls the fault scope covers. */
  draw(service: string, action: string, roleSessionName?: string): InjectedFault {
    const { throttleRate, errorRate, actions, throttleRoleSessionNames } = this.current;
    if (service === 'sts' && roleSessionName && throttleRoleSessionNames.some((p) => roleSessionName.startsWith(p)))
      return { kind: 'throttle', error: throttlingError(service) };
    if (throttleRate === 0 && errorRate === 0) return null;
    if (actions && !actions.includes(service) && !actions.includes(`${service}:${action}`)) return null;
    if (throttleRate > 0 && this.random() < throttleRate) return { kind: 'throttle', error: throttlingError(service) };
    if (errorRate > 0 && this.random() < errorRate)
      return { kind: 'error', error: serverError(service, this.random()) };
    return null;
  }
}

function throttlingError(service: string): AwsError {
  if (service === 's3') return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
  return new AwsError('Throttling', 'Rate exceeded', 400);
}

function serverError(service: string, draw: number): AwsError {
  if (service === 's3')
    return new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500, 'Receiver');
  return draw < 0.5
    ? new AwsError('InternalFailure', 'An internal error occurred.', 500, 'Receiver')
    : new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503, 'Receiver');
}
