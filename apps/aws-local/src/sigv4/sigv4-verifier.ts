import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '../clock';
import type { Principal } from '../sessions/issued-session';
import type { SessionStore } from '../sessions/session-store';
import type { IamWorld } from '../world/iam-world';
import { AuthFailure } from './auth-failure';
import { NodeSha256 } from './node-sha256';
import { parseAmzDate } from './authorization-header';
import type { SigV4Authorization } from './authorization-header';

export interface SignedRequest {
  method: string;
  /** Path as sent on the wire (still percent-encoded). */
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// AWS accepts requests signed up to 15 minutes before or after its own clock.
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_SIGNERS = 10_000;

function compact(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Verifies SigV4 by re-signing the request with the SDK's own signer and the secret on file, then
 * comparing signatures. Only the headers the client signed are given to the signer, so it produces the
 * same canonical request the client did.
 */
export class SigV4Verifier {
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    private readonly world: IamWorld,
    private readonly sessions: SessionStore,
    private readonly clock: Clock,
  ) {}

  async verify(req: SignedRequest, auth: SigV4Authorization): Promise<Principal> {
    const { principal, secret } = this.resolve(auth.accessKeyId, req.headers['x-amz-security-token']);
    const amzDate = req.headers['x-amz-date'];
    const signingDate = parseAmzDate(Array.isArray(amzDate) ? amzDate[0] : amzDate);
    if (!signingDate)
      throw new AuthFailure(
        'malformed',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      );
    const nowMs = this.clock.nowMs();
    if (Math.abs(nowMs - signingDate.getTime()) > MAX_SKEW_MS) {
      const now = new Date(nowMs);
      const earlier = signingDate.getTime() < nowMs;
      const bound = compact(new Date(nowMs + (earlier ? -MAX_SKEW_MS : MAX_SKEW_MS)));
      throw new AuthFailure(
        'timeSkew',
        earlier
          ? `Signature expired: ${compact(signingDate)} is now earlier than ${bound} (${compact(now)} - 15 min.)`
          : `Signature not yet current: ${compact(signingDate)} is still later than ${bound} (${compact(now)} + 15 min.)`,
      );
    }
    const expected = await this.sign(req, auth, secret, signingDate);
    const given = Buffer.from(auth.signature);
    if (expected.length !== given.length || !timingSafeEqual(Buffer.from(expected), given)) {
      throw new AuthFailure('badSignature');
    }
    if (principal.kind !== 'user' && principal.session.expiration.getTime() <= nowMs) throw new AuthFailure('expired');
    return principal;
  }

  private resolve(
    accessKeyId: string,
    tokenHeader: string | string[] | undefined,
  ): { principal: Principal; secret: string } {
    const longTerm = this.world.findAccessKey(accessKeyId);
    if (longTerm) {
      const user = this.world.getUser(longTerm.account, longTerm.userName);
      if (!user) throw new AuthFailure('unknownKey');
      return {
        principal: { kind: 'user', account: user.account, user, accessKeyId },
        secret: longTerm.secretAccessKey,
      };
    }
    const session = this.sessions.get(accessKeyId);
    // Temporary keys are only valid together with the session token they were issued with.
    if (!session || tokenHeader !== session.sessionToken) throw new AuthFailure('unknownKey');
    if (session.kind === 'assumed-role') {
      return {
        principal: { kind: 'assumed-role', account: session.account, session },
        secret: session.secretAccessKey,
      };
    }
    const user = this.world.getUser(session.account, session.userName as string);
    if (!user) throw new AuthFailure('unknownKey');
    return {
      principal: { kind: 'session-token', account: session.account, user, session },
      secret: session.secretAccessKey,
    };
  }

  private signerFor(auth: SigV4Authorization, secret: string): SignatureV4 {
    const cacheKey = `${auth.accessKeyId}\n${auth.region}\n${auth.service}`;
    let signer = this.signers.get(cacheKey);
    if (!signer) {
      signer = new SignatureV4({
        credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
        region: auth.region,
        service: auth.service,
        sha256: NodeSha256,
        // S3 signs the path as sent; every other service double-encodes it.
        uriEscapePath: auth.service !== 's3',
        applyChecksum: false,
      });
      if (this.signers.size >= MAX_SIGNERS) this.signers.clear();
      this.signers.set(cacheKey, signer);
    }
    return signer;
  }

  private async sign(req: SignedRequest, auth: SigV4Authorization, secret: string, signingDate: Date): Promise<string> {
    const headers: Record<string, string> = {};
    for (const name of auth.signedHeaders) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const request = new HttpRequest({
      method: req.method,
      protocol: 'http:',
      hostname: 'aws-local',
      path: req.path,
      query: req.query,
      headers,
      body: req.body.length > 0 ? req.body : undefined,
    });
    const signed = await this.signerFor(auth, secret).sign(request, {
      signingDate,
      signableHeaders: new Set(auth.signedHeaders),
    });
    const authorization = signed.headers['authorization'] ?? '';
    return authorization.slice(authorization.lastIndexOf('Signature=') + 'Signature='.length);
  }
}
