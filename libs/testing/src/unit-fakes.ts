/**
 * The shape of an in-memory fake of some of a class's methods, for unit specs: the real parameters, and the
 * real result as a plain promise (Prisma's promise types carry query-builder methods a fake has no use for).
 */
export type FakeOf<T, K extends keyof T> = {
  [P in K]: T[P] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
