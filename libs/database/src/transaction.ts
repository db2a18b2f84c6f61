import type { Prisma } from './generated/prisma/client';
import type { Tx } from './unit-of-work';

/** The client inside `prisma.$transaction(async (tx) => …)`; repositories accept it so a use case composes one transaction. */
export type TransactionClient = Prisma.TransactionClient;

/**
 * A unit of work's `Tx` seen as the client behind it as well, for code that still takes a TransactionClient
 * (the audit writers, `endAccess` changes that query through it) while it moves to repositories that take
 * `Tx`; it goes once nothing takes a TransactionClient.
 */
export function transactionClientOf(tx: Tx): Tx & TransactionClient {
  return tx as Tx & TransactionClient;
}
