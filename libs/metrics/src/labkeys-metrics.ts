import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { withTimeout } from '@labkeys/database';

/**
 * LabKeys' Prometheus metrics: one registry per process, every family defined here once. Labels are
 * low-cardinality only (route templates, states, queue names, AWS error codes); no tenant, lab, session
 * or student id is ever a label value. Values that live in Postgres or Redis are read when scraped,
 * through sources each process registers (`setMetricSource`), with a floor between reads.
 */
export const metricsRegistry = new Registry();

let defaultsOn = false;
/**
 * Node's process metrics (CPU, memory, event loop lag, GC); once per process, from its entry point (main.ts). The
 * event loop monitor they start lives as long as the process and cannot be stopped, so an application built and
 * closed inside another process (the end-to-end specs, the admin CLI) must not start it: it would keep that
 * application's modules alive after close.
 */
export function enableProcessMetrics(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

const CODE = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;
/** An AWS (or LabKeys) error code as a label: anything that does not look like a code becomes "Other". */
export function codeLabel(code: string | null | undefined): string {
  return code && CODE.test(code) ? code : 'Other';
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LONG_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

const httpRequests = new Counter({
  name: 'labkeys_http_requests_total',
  help: 'HTTP requests answered, by route template and status',
  labelNames: ['method', 'route', 'status'],
  registers: [metricsRegistry],
});
const httpDuration = new Histogram({
  name: 'labkeys_http_request_duration_seconds',
  help: 'Time to answer an HTTP request (SSE streams: until they end)',
  labelNames: ['method', 'route', 'status'],
  buckets: SECONDS,
  registers: [metricsRegistry],
});

const queueWait = new Histogram({
  name: 'labkeys_issuance_queue_wait_seconds',
  help: 'From an issuance job being queued to its first STS call (pacing delays included)',
  buckets: LONG_SECONDS,
  registers: [metricsRegistry],
});
const stsCall = new Histogram({
  name: 'labkeys_sts_call_duration_seconds',
  help: 'STS calls that issue a session, by operation and outcome',
  labelNames: ['operation', 'outcome'],
  buckets: SECONDS,
  registers: [metricsRegistry],
});
const stsErrors = new Counter({
  name: 'labkeys_sts_errors_total',
  help: 'STS calls that failed, by AWS error code',
  labelNames: ['operation', 'code'],
  registers: [metricsRegistry],
});
const timeToActive = new Histogram({
  name: 'labkeys_issuance_time_to_active_seconds',
  help: 'From an issuance job being queued to its session being ACTIVE',
  buckets: LONG_SECONDS,
  registers: [metricsRegistry],
});
const retries = new Counter({
  name: 'labkeys_issuance_retries_total',
  help: 'Issuance attempts given back for a retry (throttling, 5xx, timeouts)',
  labelNames: ['code'],
  registers: [metricsRegistry],
});
const failures = new Counter({
  name: 'labkeys_issuance_failures_total',
  help: 'Sessions that ended FAILED, by error code',
  labelNames: ['code'],
  registers: [metricsRegistry],
});

const expiryLag = new Histogram({
  name: 'labkeys_session_expiry_lag_seconds',
  help: "From a session's expiry job being due to the session being EXPIRED",
  buckets: SECONDS.concat([60, 120]),
  registers: [metricsRegistry],
});
const revocationLatency = new Histogram({
  name: 'labkeys_revocation_apply_latency_seconds',
  help: 'From a revocation being requested to IAM accepting its deny (Postgres clock)',
  buckets: LONG_SECONDS,
  registers: [metricsRegistry],
});

export const issuanceMetrics = {
  /** The first STS call of a job: how long it waited since it was queued. */
  queueWait(queuedAtMs: number): void {
    queueWait.observe(Math.max(0, Date.now() - queuedAtMs) / 1000);
  },
  timeToActive(queuedAtMs: number): void {
    timeToActive.observe(Math.max(0, Date.now() - queuedAtMs) / 1000);
  },
  retry(code: string): void {
    retries.inc({ code: codeLabel(code) });
  },
  failure(code: string): void {
    failures.inc({ code: codeLabel(code) });
  },
  /** Times one STS call; its error (if any) is counted by code and rethrown. */
  async timeSts<T>(operation: 'AssumeRole' | 'AssumeRoleWithWebIdentity', call: Promise<T>): Promise<T> {
    const end = stsCall.startTimer({ operation });
    try {
      const result = await call;
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      stsErrors.inc({ operation, code: codeLabel((error as { code?: string }).code ?? (error as Error).name) });
      throw error;
    }
  },
};

export const lifecycleMetrics = {
  /** An expiry job that ended its session: how late after the job was due. */
  expired(dueAtMs: number): void {
    expiryLag.observe(Math.max(0, Date.now() - dueAtMs) / 1000);
  },
};

/** Budget use per role, kept for the max; bounded so a deployment with many roles cannot grow it without end. */
const budgetByRole = new Map<string, number>();
const BUDGET_ROLES_KEPT = 10_000;

export const revocationMetrics = {
  /** Entries IAM just accepted: their request-to-applied latency, on the database's clock. */
  applied(entries: readonly { state: string; createdAt: Date }[], now: Date): void {
    for (const e of entries)
      if (e.state === 'PENDING') revocationLatency.observe(Math.max(0, now.getTime() - e.createdAt.getTime()) / 1000);
  },
  /** Share of a role's 10,240 inline characters the deny plus the role's other inline policies need (above 1: does not fit). */
  budget(roleKey: string, ratio: number): void {
    budgetByRole.delete(roleKey);
    if (budgetByRole.size >= BUDGET_ROLES_KEPT) budgetByRole.delete(budgetByRole.keys().next().value!);
    budgetByRole.set(roleKey, ratio);
  },
};

new Gauge({
  name: 'labkeys_revocation_policy_budget_ratio',
  help: "Largest share of a role's inline-policy budget the revocation deny needs, over the roles this process wrote",
  registers: [metricsRegistry],
  collect() {
    this.set(budgetByRole.size === 0 ? 0 : Math.max(...budgetByRole.values()));
  },
});

/** What the scrape-time gauges read; each process sets those it can answer. */
export interface MetricSources {
  sessionsByState?: () => Promise<Record<string, number> | undefined>;
  revocationsPending?: () => Promise<number | undefined>;
  queueJobs?: () => Promise<Record<string, Record<string, number>> | undefined>;
  sseStreams?: () => number;
  databasePool?: () => { total: number; idle: number; waiting: number; max: number };
  redis?: () => { connected: boolean; pendingCommands: number };
}

const sources: MetricSources = {};
export function setMetricSource<K extends keyof MetricSources>(name: K, source: MetricSources[K]): void {
  sources[name] = source;
}

/**
 * A reading refreshed at most every `ttlMs`; callers during a refresh share it. A refresh is bounded by
 * `timeoutMs` (a store that hangs must not hang the scrape); a failed one keeps the last value.
 */
export function cachedReading<T>(
  ttlMs: number,
  read: () => Promise<T>,
  timeoutMs = 2000,
): () => Promise<T | undefined> {
  let last: { value: T; at: number } | undefined;
  let running: Promise<T | undefined> | undefined;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return Promise.resolve(last.value);
    running ??= withTimeout(read(), timeoutMs, 'metric source timed out')
      .then((value) => (last = { value, at: Date.now() }).value)
      .catch(() => last?.value)
      .finally(() => (running = undefined));
    return running;
  };
}

const SESSION_STATES = ['PENDING', 'ISSUING', 'ACTIVE', 'REVOKING', 'REVOKED', 'EXPIRED', 'FAILED'];

new Gauge({
  name: 'labkeys_sessions',
  help: 'Sessions by state, all tenants (read from Postgres at most every 15 s)',
  labelNames: ['state'],
  registers: [metricsRegistry],
  async collect() {
    const counts = await sources.sessionsByState?.();
    if (!counts) return;
    for (const state of new Set([...SESSION_STATES, ...Object.keys(counts)])) this.set({ state }, counts[state] ?? 0);
  },
});

new Gauge({
  name: 'labkeys_revocations_pending',
  help: 'Revocation entries not yet accepted by IAM, all tenants (read from Postgres at most every 15 s)',
  registers: [metricsRegistry],
  async collect() {
    const pending = await sources.revocationsPending?.();
    if (pending !== undefined) this.set(pending);
  },
});

new Gauge({
  name: 'labkeys_queue_jobs',
  help: 'BullMQ jobs per queue and state',
  labelNames: ['queue', 'state'],
  registers: [metricsRegistry],
  async collect() {
    const byQueue = await sources.queueJobs?.();
    if (!byQueue) return;
    for (const [queue, counts] of Object.entries(byQueue))
      for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
  },
});

new Gauge({
  name: 'labkeys_sse_streams_open',
  help: 'Server-sent event streams open in this process',
  registers: [metricsRegistry],
  collect() {
    const open = sources.sseStreams?.();
    if (open !== undefined) this.set(open);
  },
});

new Gauge({
  name: 'labkeys_db_pool_connections',
  help: "This process's Postgres pool: connections in use, idle, requests waiting for one, and the pool's size",
  labelNames: ['state'],
  registers: [metricsRegistry],
  collect() {
    const pool = sources.databasePool?.();
    if (!pool) return;
    this.set({ state: 'in_use' }, pool.total - pool.idle);
    this.set({ state: 'idle' }, pool.idle);
    this.set({ state: 'waiting' }, pool.waiting);
    this.set({ state: 'max' }, pool.max);
  },
});

new Gauge({
  name: 'labkeys_redis_connected',
  help: "1 while this process's Redis connection is ready",
  registers: [metricsRegistry],
  collect() {
    const redis = sources.redis?.();
    if (redis) this.set(redis.connected ? 1 : 0);
  },
});

new Gauge({
  name: 'labkeys_redis_pending_commands',
  help: "Commands sent on this process's Redis connection and not yet answered (or queued while it reconnects)",
  registers: [metricsRegistry],
  collect() {
    const redis = sources.redis?.();
    if (redis) this.set(redis.pendingCommands);
  },
});

export const httpMetrics = {
  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, seconds);
  },
};

/** What `labkeys_redis_*` reads from an ioredis client: ready or not, and commands in flight or queued. */
export function redisReading(client: { status: string }): () => { connected: boolean; pendingCommands: number } {
  const queued = (name: string) =>
    (client as unknown as Record<string, { length?: number } | undefined>)[name]?.length ?? 0;
  return () => ({
    connected: client.status === 'ready',
    pendingCommands: queued('commandQueue') + queued('offlineQueue'),
  });
}
