/** One field named by a problem+json answer (`errors[].field`, e.g. `rows[3].email`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** An RFC 9457 problem the api answered, or a network failure shaped like one. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(detail || title);
  }

  /** The problem's own code (`step_up_required`…), when it has one. */
  get code(): string | undefined {
    return typeof this.body.code === 'string' ? this.body.code : undefined;
  }

  messagesFor(field: string): string[] {
    return this.errors.filter((e) => e.field === field).map((e) => e.message);
  }
}

export function toProblem(response: Response, body: unknown): ApiProblem {
  const json = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const errors = Array.isArray(json.errors)
    ? json.errors
        .filter((e): e is FieldProblem => !!e && typeof e === 'object' && typeof (e as FieldProblem).field === 'string')
        .map((e) => ({ field: e.field, message: String(e.message) }))
    : [];
  const title = typeof json.title === 'string' ? json.title : response.statusText || `HTTP ${response.status}`;
  const detail =
    typeof json.detail === 'string' ? json.detail : typeof body === 'string' && body ? body.slice(0, 300) : title;
  return new ApiProblem(response.status, title, detail, errors, json);
}

export function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (error instanceof TypeError)
    return new ApiProblem(
      0,
      'Network error',
      'The LabKeys server could not be reached; check your connection and try again.',
    );
  return new ApiProblem(0, 'Error', error instanceof Error ? error.message : String(error));
}
