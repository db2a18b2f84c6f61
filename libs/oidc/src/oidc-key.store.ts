import { createPrivateKey } from 'node:crypto';
import type { JsonInput, OidcKeyRepository, Tx, UnitOfWork } from '@labkeys/database';
import { SecretSealer } from '@labkeys/secrets';
import { generateSigningKey, type LoadedKey, type PublicJwk } from './signing-key';

const aad = (kid: string) => `labkeys:oidc-key:${kid}`;

export interface Rotation {
  kid: string;
  /** When the new key starts signing; until then it is only published. */
  activatesAt: Date;
  /** Keys that stop signing then (they stay in the JWKS until their last token expired). */
  retiring: string[];
}

/**
 * LabKeys' signing keys in Postgres, private parts sealed with the key ring and bound to their kid (a sealed
 * key copied onto another row fails to open). Times come from Postgres' clock, the one every process shares.
 */
export class OidcKeyStore {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: OidcKeyRepository,
    private readonly sealer: SecretSealer,
  ) {}

  /** The first key of a deployment signs at once: no verifier can hold an older JWKS yet. */
  async ensureKey(): Promise<void> {
    await this.uow.run(async (tx) => {
      await this.keys.systemLock(tx);
      if ((await this.keys.systemCount(true, tx)) > 0) return;
      await this.insert(tx, await this.keys.systemNow(tx));
    });
  }

  /**
   * Publishes a new key now and lets it sign `publishLeadMs` later; every key still signing retires then.
   * Verifiers that cached the JWKS before the rotation see the new key before any token it signed.
   */
  async rotate(publishLeadMs: number): Promise<Rotation> {
    return this.uow.run(async (tx) => {
      await this.keys.systemLock(tx);
      const now = await this.keys.systemNow(tx);
      // The first key of a deployment has nothing to be published ahead of: it signs at once.
      const first = (await this.keys.systemCount(false, tx)) === 0;
      const activatesAt = first ? now : new Date(now.getTime() + publishLeadMs);
      const retiring = await this.keys.systemRetireUnretired(activatesAt, tx);
      const kid = await this.insert(tx, now, activatesAt);
      return { kid, activatesAt, retiring };
    });
  }

  /** Keys that may still matter: signing, waiting to sign, or retired less than `retainMs` ago. */
  async load(retainMs: number): Promise<{ now: Date; keys: LoadedKey[] }> {
    const now = await this.keys.systemNow();
    const rows = await this.keys.systemListLive(new Date(now.getTime() - retainMs));
    const keys = rows.map((row): LoadedKey => {
      let opened: ReturnType<LoadedKey['privateKey']> | undefined;
      return {
        kid: row.kid,
        publicJwk: row.publicJwk as unknown as PublicJwk,
        createdAt: row.createdAt,
        activatesAt: row.activatesAt,
        retiredAt: row.retiredAt,
        privateKey: () =>
          (opened ??= createPrivateKey(
            this.sealer.open(row.sealKeyId, Buffer.from(row.sealedPrivateKey), aad(row.kid)).toString('utf8'),
          )),
      };
    });
    return { now, keys };
  }

  private async insert(tx: Tx, now: Date, activatesAt = now): Promise<string> {
    const key = generateSigningKey();
    const { keyId, sealed } = this.sealer.seal(key.privatePem, aad(key.kid));
    await this.keys.systemInsert(
      {
        kid: key.kid,
        publicJwk: key.publicJwk as unknown as JsonInput,
        sealedPrivateKey: sealed,
        sealKeyId: keyId,
        createdAt: now,
        activatesAt,
      },
      tx,
    );
    return key.kid;
  }
}
