import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsLocalCore } from './core';
import type { DiagnosticResult, RoleView } from './core';
import type { Faults } from './faults';
import { createRequestHandler } from './request-handler';
import { loadWorld } from './world/state-loader';
import type { WorldStateFile } from './world/world-types';

export interface AwsLocalOptions {
  /** 0 or unset: any free port. */
  port?: number;
  host?: string;
  /** A state object, or the path of a JSON state file; the default world when unset. */
  state?: WorldStateFile | string;
  faults?: Partial<Faults>;
}

export interface AwsLocal {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** Current faults; assigning merges the given fields into them. */
  faults: Partial<Faults>;
  setFaults(update: Partial<Faults>): Faults;
  counters(): Record<string, number>;
  faultedCounters(): Record<string, number>;
  resetCounters(): void;
  /** Arrival times (epoch ms) of one action's calls since the last reset, oldest first. */
  callTimes(action: string): number[];
  readonly iam: { getRole(name: string, account?: string): RoleView | undefined; listRoles(): RoleView[] };
  authorize(accessKeyId: string, action: string, resource: string, region?: string): DiagnosticResult | undefined;
  /** Sessions issued by STS (AssumeRole and friends) and still known, with their session names and tags. */
  issuedSessions(): { accessKeyId: string; sessionName?: string; roleArn?: string; tags: Record<string, string> }[];
  /** aws-local's current time (real time plus the clock-skew fault). */
  now(): Date;
}

export async function startAwsLocal(options: AwsLocalOptions = {}): Promise<AwsLocal> {
  const core = new AwsLocalCore(loadWorld(options.state));
  if (options.faults) core.faults.set(options.faults);
  const handler = createRequestHandler(core);
  const server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      console.error('aws-local: request failed', e);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Longer than SDK agents keep idle sockets, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
    get faults() {
      return core.faults.get();
    },
    set faults(update: Partial<Faults>) {
      core.faults.set(update);
    },
    setFaults: (update) => core.faults.set(update),
    counters: () => core.counters.snapshot(),
    faultedCounters: () => core.counters.faultedSnapshot(),
    resetCounters: () => core.counters.reset(),
    callTimes: (action: string) => core.counters.callTimes(action),
    iam: { getRole: (name, account) => core.getRole(name, account), listRoles: () => core.listRoles() },
    authorize: (accessKeyId, action, resource, region) => core.diagnose(accessKeyId, action, resource, region),
    issuedSessions: () =>
      core.backend.sessions
        .list()
        .filter((s) => s.kind === 'assumed-role')
        .map((s) => ({
          accessKeyId: s.accessKeyId,
          sessionName: s.sessionName,
          roleArn: s.role?.arn,
          tags: { ...s.tags },
        })),
    now: () => core.clock.now(),
  };
}
