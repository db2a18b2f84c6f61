// Fixtures shared by the test suites (test/) and the benchmarks (scripts/bench-*): one copy, imported by both.
export * from './school';
export { fixturePrisma } from './prisma';
export type { FakeOf } from './unit-fakes';
