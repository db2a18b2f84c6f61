import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { IAMClient, type IAMClientConfig } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AwsCallError } from './aws-call.error';

export type CredentialsOption = IAMClientConfig['credentials'];

export interface AwsClientOptions {
  /**
   * SDK attempts per call. The api keeps the SDK's default; the worker passes 1 because BullMQ owns retries
   * (backoff, jitter, the per-account rate limit) and SDK retries inside a job would hide throttling from it.
   */
  maxAttempts?: number;
  /** Socket connect timeout. */
  connectionTimeoutMs?: number;
  /** Whole-request timeout; a timed-out call is classified retryable. */
  requestTimeoutMs?: number;
  /** Sockets per host kept open; issuance runs many AssumeRole calls in parallel. */
  maxSockets?: number;
  /** LabKeys' own identity; the SDK's default chain (environment, profile, instance role) when unset. */
  credentials?: CredentialsOption;
  /**
   * Production: a target carrying an endpoint override is refused when a client is asked for it, not only
   * when the override is written, so a row restored from staging never sends signed calls elsewhere.
   */
  refuseEndpointOverride?: boolean;
}

/** Permanent (never retried): the connection must be changed, so issuance ends FAILED with this code. */
export function endpointOverrideRefused(): AwsCallError {
  return new AwsCallError(
    'EndpointOverrideRefused',
    "This AWS connection has an endpoint override, which production refuses: LabKeys calls only real AWS endpoints there. Clear the connection's endpointOverride.",
    null,
    false,
  );
}

interface ClientTarget {
  region: string;
  endpointOverride?: string | null;
}

/**
 * STS and IAM clients, one per (region, endpoint) and identity, sharing one keep-alive connection pool.
 * Clients are long-lived: building one per call would redo TLS handshakes and credential resolution.
 */
export class AwsClientsFactory {
  private readonly handler: NodeHttpHandler;
  private readonly stsClients = new Map<string, STSClient>();
  private readonly iamClients = new Map<string, IAMClient>();

  constructor(private readonly options: AwsClientOptions = {}) {
    const agent = { keepAlive: true, maxSockets: options.maxSockets ?? 256 };
    this.handler = new NodeHttpHandler({
      httpAgent: new HttpAgent(agent),
      httpsAgent: new HttpsAgent(agent),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
    });
  }

  /** An STS client signed with LabKeys' own identity. */
  sts(target: ClientTarget): STSClient {
    this.assertEndpointAllowed(target);
    const key = clientKey(target);
    let client = this.stsClients.get(key);
    if (!client) {
      client = new STSClient(this.config(target, this.options.credentials));
      this.stsClients.set(key, client);
    }
    return client;
  }

  /**
   * An IAM client; `identity` names other credentials (a connection's management role) and keys the cache,
   * so each identity gets its own client and the SDK refreshes its credentials as they near expiry.
   */
  iam(target: ClientTarget, identity?: { key: string; credentials: CredentialsOption }): IAMClient {
    this.assertEndpointAllowed(target);
    const key = `${clientKey(target)}|${identity?.key ?? 'self'}`;
    let client = this.iamClients.get(key);
    if (!client) {
      client = new IAMClient(this.config(target, identity ? identity.credentials : this.options.credentials));
      this.iamClients.set(key, client);
    }
    return client;
  }

  /** Closes every client and the pooled sockets (api/worker shutdown). */
  destroy(): void {
    for (const client of [...this.stsClients.values(), ...this.iamClients.values()]) client.destroy();
    this.stsClients.clear();
    this.iamClients.clear();
    this.handler.destroy();
  }

  private assertEndpointAllowed(target: ClientTarget): void {
    if (this.options.refuseEndpointOverride && target.endpointOverride) throw endpointOverrideRefused();
  }

  // Unset options are left out, not passed as undefined, so the SDK's defaults (and default chain) apply.
  private config(target: ClientTarget, credentials: CredentialsOption) {
    return {
      region: target.region,
      requestHandler: this.handler,
      ...(target.endpointOverride ? { endpoint: target.endpointOverride } : {}),
      ...(this.options.maxAttempts !== undefined ? { maxAttempts: this.options.maxAttempts } : {}),
      ...(credentials !== undefined ? { credentials } : {}),
    };
  }
}

function clientKey(target: ClientTarget): string {
  return `${target.region}|${target.endpointOverride ?? ''}`;
}
