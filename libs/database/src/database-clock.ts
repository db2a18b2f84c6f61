import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { clientOf, type Tx } from './unit-of-work';

/**
 * Postgres' clock, the one every deadline LabKeys compares is measured on (never a process's).
 * `now()` is the transaction's start inside a transaction; `clock_timestamp()` is the moment of the statement.
 */
@Injectable()
export class DatabaseClock {
  constructor(private readonly prisma: PrismaService) {}

  async now(tx?: Tx): Promise<Date> {
    const [{ now }] = await clientOf(this.prisma, tx).$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
    return now;
  }

  async clockTimestamp(tx?: Tx): Promise<Date> {
    const [{ now }] = await clientOf(this.prisma, tx).$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    return now;
  }
}
