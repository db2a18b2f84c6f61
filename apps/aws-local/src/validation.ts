import { validationError } from './errors';

const compiled = new Map<string, RegExp>();

function fullMatch(pattern: string, flags: string): RegExp {
  const key = `${flags}/${pattern}`;
  let re = compiled.get(key);
  if (!re) {
    re = new RegExp(`^(?:${pattern})$`, flags);
    compiled.set(key, re);
  }
  return re;
}

/**
 * Collects model-constraint violations the way AWS reports them:
 * `2 validation errors detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: …; Value …`.
 */
export class ConstraintCollector {
  private readonly errors: string[] = [];

  /** Sensitive members (tokens) are reported without their value, as AWS does. */
  private add(value: string | null, field: string, constraint: string, sensitive = false): void {
    const shown = sensitive ? '' : value === null ? 'null ' : `'${value}' `;
    this.errors.push(`Value ${shown}at '${field}' failed to satisfy constraint: Member must ${constraint}`);
  }

  required(value: string | undefined, field: string): boolean {
    if (value === undefined) {
      this.add(null, field, 'not be null');
      return false;
    }
    return true;
  }

  length(value: string | undefined, field: string, min: number, max?: number, sensitive = false): void {
    if (value === undefined) return;
    const len = [...value].length;
    if (len < min) this.add(value, field, `have length greater than or equal to ${min}`, sensitive);
    else if (max !== undefined && len > max)
      this.add(value, field, `have length less than or equal to ${max}`, sensitive);
  }

  /** `pattern` is the regular expression as AWS prints it; it must match the whole value. */
  pattern(value: string | undefined, field: string, pattern: string, flags = ''): void {
    if (value === undefined) return;
    if (!fullMatch(pattern, flags).test(value)) {
      this.add(value, field, `satisfy regular expression pattern: ${pattern}`);
    }
  }

  range(value: number | undefined, field: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value < min) this.add(String(value), field, `have value greater than or equal to ${min}`);
    else if (value > max) this.add(String(value), field, `have value less than or equal to ${max}`);
  }

  listLength(values: string[] | undefined, field: string, max: number): void {
    if (values !== undefined && values.length > max) {
      this.add(`[${values.join(', ')}]`, field, `have length less than or equal to ${max}`);
    }
  }

  throwIfAny(): void {
    const n = this.errors.length;
    if (n > 0) throw validationError(`${n} validation error${n > 1 ? 's' : ''} detected: ${this.errors.join('; ')}`);
  }
}

/** Integer parameter, or a ValidationError naming it when not an integer. */
export function intParam(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw))
    throw validationError(`Value '${raw}' for parameter ${name} is invalid. Must be an integer.`);
  return Number(raw);
}
