import type { ApiProblem } from '../api/problem';

/**
 * The problem's detail, and every field problem whose field the form does not show beside an input
 * (those listed in `shown` appear next to their field instead).
 */
export function ProblemAlert({ problem, shown = [] }: { problem: ApiProblem | null | undefined; shown?: string[] }) {
  if (!problem) return null;
  const rest = problem.errors.filter((e) => !shown.includes(e.field));
  return (
    <div className="alert error" role="alert">
      <p>
        <strong>{problem.detail}</strong>
      </p>
      {rest.length > 0 && (
        <ul>
          {rest.map((e, i) => (
            <li key={`${e.field}-${i}`}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
