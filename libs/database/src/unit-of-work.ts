import { Injectable } from '@nestjs/common';
import type { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

declare const txBrand: unique symbol;

/**
 * An open database transaction, opaque outside libs/database: a use case can
 * only hand it to repository methods (their optional last parameter), never
 * query through it, so every statement stays in a repository.
 */
export interface Tx {
  readonly [txBrand]: true;
}

export interface TransactionOptions {
  isolationLevel?: 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  /** Milliseconds to wait for a pool connection. */
  maxWait?: number;
  /** Milliseconds the transaction may stay open. */
  timeout?: number;
}

/** Runs use-case steps in one transaction: `uow.run(async (tx) => { await labs.lockForUpdate(scope, id, tx); … })`. */
@Injectable()
export class UnitOfWork {
  constructor(private readonly prisma: PrismaService) {}

  run<T>(work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.prisma.$transaction((client) => work(client as unknown as Tx), options);
  }
}

/** Inside libs/database: the Prisma client of a transaction, or the pool's client when there is none. */
export function clientOf(prisma: PrismaService, tx?: Tx): Prisma.TransactionClient {
  return (tx as unknown as Prisma.TransactionClient | undefined) ?? prisma;
}
