import type { Prisma } from './generated/prisma/client';

/** The client inside `prisma.$transaction(async (tx) => …)`; repositories accept it so a use case composes one transaction. */
export type TransactionClient = Prisma.TransactionClient;
