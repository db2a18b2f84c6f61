import type { FieldProblem } from '../common/problem';

/** A validated roster line: email normalised (trimmed, lower-cased). */
export interface StudentRow {
  email: string;
  displayName?: string;
}

/**
 * The same email twice in one roster is almost always a mistake (and its display names may disagree),
 * so it is refused rather than silently merged; the later occurrence is named.
 */
export function duplicateEmailProblems(rows: readonly StudentRow[], listName: string): FieldProblem[] {
  const firstSeen = new Map<string, number>();
  const problems: FieldProblem[] = [];
  rows.forEach((row, index) => {
    const first = firstSeen.get(row.email);
    if (first === undefined) firstSeen.set(row.email, index);
    else problems.push({ field: `${listName}[${index}].email`, message: `email repeats ${listName}[${first}].email` });
  });
  return problems;
}
