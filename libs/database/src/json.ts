import type { Prisma } from './generated/prisma/client';

/** A value a JSON column accepts (audit summaries, session tags, verify failures). */
export type JsonInput = Prisma.InputJsonValue;

/** `value` as its JSON round trip (dates as ISO strings, undefined fields dropped), ready for a JSON column. */
export function jsonInputOf(value: unknown): JsonInput {
  return JSON.parse(JSON.stringify(value)) as JsonInput;
}
