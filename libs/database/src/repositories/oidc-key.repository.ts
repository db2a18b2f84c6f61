import { Injectable } from '@nestjs/common';
import type { OidcSigningKey } from '../generated/prisma/client';
import type { JsonInput } from '../json';
import { PrismaService } from '../prisma.service';
import { clientOf, type Tx } from '../unit-of-work';

/** Keys are deployment-wide (one issuer for every tenant); one lock serialises creating and rotating them. */
const KEYS_LOCK = 'labkeys:oidc-signing-keys';

export interface NewOidcKey {
  kid: string;
  publicJwk: JsonInput;
  sealedPrivateKey: Buffer;
  sealKeyId: string;
  createdAt: Date;
  activatesAt: Date;
}

/**
 * LabKeys' OIDC signing keys. They belong to the deployment, not to a tenant, so every method is `system…`.
 * Times are Postgres' `clock_timestamp()`, the clock every process shares.
 */
@Injectable()
export class OidcKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Takes the keys' transaction-scoped advisory lock; only inside a unit of work. */
  async systemLock(tx: Tx): Promise<void> {
    await clientOf(this.prisma, tx).$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${KEYS_LOCK}, 0))`;
  }

  async systemNow(tx?: Tx): Promise<Date> {
    const [{ now }] = await clientOf(this.prisma, tx).$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    return now;
  }

  /** How many keys exist; only those not retired when `unretiredOnly`. */
  systemCount(unretiredOnly: boolean, tx?: Tx): Promise<number> {
    return clientOf(this.prisma, tx).oidcSigningKey.count(unretiredOnly ? { where: { retiredAt: null } } : undefined);
  }

  /** Retires every key not yet retired at `at`; returns their kids. */
  async systemRetireUnretired(at: Date, tx: Tx): Promise<string[]> {
    const db = clientOf(this.prisma, tx);
    const signing = await db.oidcSigningKey.findMany({ where: { retiredAt: null }, select: { kid: true } });
    await db.oidcSigningKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: at } });
    return signing.map((k) => k.kid);
  }

  async systemInsert(key: NewOidcKey, tx?: Tx): Promise<void> {
    await clientOf(this.prisma, tx).oidcSigningKey.create({
      data: { ...key, sealedPrivateKey: new Uint8Array(key.sealedPrivateKey) },
    });
  }

  /** Keys not retired, or retired after `retiredAfter`, oldest activation first. */
  systemListLive(retiredAfter: Date): Promise<OidcSigningKey[]> {
    return this.prisma.oidcSigningKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] },
      orderBy: { activatesAt: 'asc' },
    });
  }
}
