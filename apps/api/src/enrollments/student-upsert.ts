import type { TransactionClient } from '@labkeys/database';
import { makeStudentHandle } from '@labkeys/templates';
import { insertStudents } from './roster.repository';
import type { StudentRow } from './roster-rows';

/** 50-bit handles collide about never; a few redraws cover the rest without looping forever. */
const HANDLE_DRAWS = 5;

export interface EnsuredStudents {
  /** Student id per (normalised) email, for every row. */
  idByEmail: Map<string, string>;
  created: number;
}

/**
 * Finds or creates the tenant's students for these rows with a handful of set-based statements.
 * Inserts skip conflicts: a row skipped because another import created the same email meanwhile is
 * found by the follow-up read; one skipped because its random handle was taken gets a new handle.
 */
export async function ensureStudents(tx: TransactionClient, tenantId: string, rows: readonly StudentRow[]): Promise<EnsuredStudents> {
  const idByEmail = new Map<string, string>();
  const remember = (found: { id: string; email: string }[]) => found.forEach((s) => idByEmail.set(s.email, s.id));
  const findByEmail = (emails: string[]) => tx.student.findMany({ where: { tenantId, email: { in: emails } }, select: { id: true, email: true } });

  remember(await findByEmail(rows.map((row) => row.email)));
  let missing = rows.filter((row) => !idByEmail.has(row.email));
  let created = 0;
  for (let draw = 0; missing.length > 0 && draw < HANDLE_DRAWS; draw++) {
    const inserted = await insertStudents(tx, tenantId, missing.map((row) => ({ email: row.email, displayName: row.displayName ?? null, handle: makeStudentHandle() })));
    created += inserted.length;
    remember(inserted);
    const skipped = missing.filter((row) => !idByEmail.has(row.email));
    if (skipped.length) remember(await findByEmail(skipped.map((row) => row.email)));
    missing = skipped.filter((row) => !idByEmail.has(row.email));
  }
  if (missing.length) throw new Error(`could not allocate unique student handles for ${missing.length} student(s)`);
  return { idByEmail, created };
}
