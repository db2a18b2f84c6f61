import { AwsCallError } from './aws-call.error';
import { endpointOverrideRefused } from './aws-clients.factory';
import type { TemporaryCredentials } from './aws-connection.types';
import { defaultConsoleDestination, federationEndpointFor } from './partition.util';

export interface MintConsoleLinkInput {
  partition: string;
  endpointOverride?: string | null;
  credentials: TemporaryCredentials;
  /**
   * Console session length (900–43200). Leave unset for role-chained credentials: the federation endpoint
   * refuses it there, and the console session then lasts as long as the credentials.
   */
  sessionDurationSeconds?: number;
  /** LabKeys' URL; the console sends the student there when the session ends. */
  issuer: string;
  /** Console page to open; the partition's console home when unset. */
  destination?: string | null;
}

export interface ConsoleLinkMinterOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Production: the session's credentials are never sent to an overridden federation endpoint. */
  refuseEndpointOverride?: boolean;
}

/**
 * Console sign-in links through the federation endpoint. A sign-in token lasts 15 minutes, so links are
 * minted when the student asks for one and never stored. The credentials travel only in the token request.
 */
export class ConsoleLinkMinter {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly refuseEndpointOverride: boolean;

  constructor(options: ConsoleLinkMinterOptions = {}) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.refuseEndpointOverride = options.refuseEndpointOverride ?? false;
  }

  async mint(input: MintConsoleLinkInput): Promise<string> {
    if (this.refuseEndpointOverride && input.endpointOverride) throw endpointOverrideRefused();
    const federation = federationEndpointFor(input.partition, input.endpointOverride);
    const session = JSON.stringify({
      sessionId: input.credentials.accessKeyId,
      sessionKey: input.credentials.secretAccessKey,
      sessionToken: input.credentials.sessionToken,
    });
    const tokenQuery = new URLSearchParams({ Action: 'getSigninToken' });
    if (input.sessionDurationSeconds !== undefined)
      tokenQuery.set('SessionDuration', String(input.sessionDurationSeconds));
    tokenQuery.set('Session', session);
    const signinToken = await this.requestToken(`${federation}?${tokenQuery.toString()}`);
    const login = new URLSearchParams({
      Action: 'login',
      Issuer: input.issuer,
      Destination: input.destination || defaultConsoleDestination(input.partition, input.endpointOverride),
      SigninToken: signinToken,
    });
    return `${federation}?${login.toString()}`;
  }

  // Errors never include the request URL: its query carries the secret key and session token.
  private async requestToken(url: string): Promise<string> {
    let response: Response;
    try {
      response = await this.fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const timedOut = (error as Error)?.name === 'TimeoutError';
      throw new AwsCallError(
        timedOut ? 'TimeoutError' : 'NetworkError',
        `Federation endpoint unreachable: ${(error as Error)?.message ?? 'unknown error'}`,
        null,
        true,
        { cause: error },
      );
    }
    const text = await response.text();
    if (!response.ok) {
      const retryable = response.status >= 500 || response.status === 429;
      throw new AwsCallError('FederationError', federationMessage(text, response.status), response.status, retryable);
    }
    let token: unknown;
    try {
      token = (JSON.parse(text) as { SigninToken?: unknown }).SigninToken;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') {
      throw new AwsCallError(
        'FederationError',
        'Federation endpoint answered without a SigninToken',
        response.status,
        true,
      );
    }
    return token;
  }
}

function federationMessage(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { Message?: unknown; message?: unknown };
    const message = parsed.Message ?? parsed.message;
    if (typeof message === 'string' && message) return message;
  } catch {
    // AWS has been seen answering bad credentials with an empty 400.
  }
  return `Federation endpoint refused the sign-in token request (HTTP ${status})`;
}
