import type { Prisma } from './generated/prisma/client';

/** A value a JSON column accepts (audit summaries, session tags, verify failures). */
export type JsonInput = Prisma.InputJsonValue;
