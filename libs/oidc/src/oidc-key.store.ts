import { createPrivateKey } from 'node:crypto';
import type { Prisma, PrismaClient } from '@labkeys/database';
import { SecretSealer } from '@labkeys/secrets';
import { generateSigningKey, type LoadedKey, type PublicJwk } from './signing-key';

/** Keys are deployment-wide (one issuer for every tenant); one lock serialises creating and rotating them. */
const KEYS_LOCK = 'labkeys:oidc-signing-keys';

const aad = (kid: string) => `labkeys:oidc-key:${kid}`;

type Db = Pick<PrismaClient, '$transaction' | 'oidcSigningKey' | '$queryRaw'>;

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
    private readonly prisma: Db,
    private readonly sealer: SecretSealer,
  ) {}

  /** The first key of a deployment signs at once: no verifier can hold an older JWKS yet. */
  async ensureKey(): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await lock(tx);
      if ((await tx.oidcSigningKey.count({ where: { retiredAt: null } })) > 0) return;
      const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
      await this.insert(tx, now);
    });
  }

  /**
   * Publishes a new key now and lets it sign `publishLeadMs` later; every key still signing retires then.
   * Verifiers that cached the JWKS before the rotation see the new key before any token it signed.
   */
  async rotate(publishLeadMs: number): Promise<Rotation> {
    return this.prisma.$transaction(async (tx) => {
      await lock(tx);
      const [{ now }] = await tx.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
      // The first key of a deployment has nothing to be published ahead of: it signs at once.
      const first = (await tx.oidcSigningKey.count()) === 0;
      const activatesAt = first ? now : new Date(now.getTime() + publishLeadMs);
      const signing = await tx.oidcSigningKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
      await tx.oidcSigningKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: activatesAt } });
      const kid = await this.insert(tx, now, activatesAt);
      return { kid, activatesAt, retiring: signing.map((k) => k.kid) };
    });
  }

  /** Keys that may still matter: signing, waiting to sign, or retired less than `retainMs` ago. */
  async load(retainMs: number): Promise<{ now: Date; keys: LoadedKey[] }> {
    const [{ now }] = await this.prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    const rows = await this.prisma.oidcSigningKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(now.getTime() - retainMs) } }] },
      orderBy: { activatesAt: 'asc' },
    });
    const keys = rows.map((row): LoadedKey => {
      let opened: ReturnType<LoadedKey['privateKey']> | undefined;
      return {
        kid: row.kid,
        publicJwk: row.publicJwk as unknown as PublicJwk,
        createdAt: row.createdAt,
        activatesAt: row.activatesAt,
        retiredAt: row.retiredAt,
        privateKey: () => (opened ??= createPrivateKey(this.sealer.open(row.sealKeyId, Buffer.from(row.sealedPrivateKey), aad(row.kid)).toString('utf8'))),
      };
    });
    return { now, keys };
  }

  private async insert(tx: Prisma.TransactionClient, now: Date, activatesAt = now): Promise<string> {
    const key = generateSigningKey();
    const { keyId, sealed } = this.sealer.seal(key.privatePem, aad(key.kid));
    await tx.oidcSigningKey.create({
      data: {
        kid: key.kid,
        publicJwk: key.publicJwk as unknown as Prisma.InputJsonValue,
        sealedPrivateKey: new Uint8Array(sealed),
        sealKeyId: keyId,
        createdAt: now,
        activatesAt,
      },
    });
    return key.kid;
  }
}

async function lock(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${KEYS_LOCK}, 0))`;
}
