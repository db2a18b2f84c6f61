import type { RenderContext } from './role-template.types';

export interface PlaceholderSpec {
  /** Longest value the placeholder can render to; worst-case size checks rely on it. */
  readonly maxLength: number;
  /** Values are restricted so they never need JSON escaping and always fit the session-tag charset. */
  readonly pattern: RegExp;
  readonly from: (ctx: RenderContext) => string;
}

export const STUDENT_HANDLE_PATTERN = /^[a-z0-9][a-z0-9-]{1,31}$/;
export const COURSE_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 _.:/=+@-]{0,31}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const PLACEHOLDERS = {
  'student.handle': { maxLength: 32, pattern: STUDENT_HANDLE_PATTERN, from: (c) => c.studentHandle },
  'course.code': { maxLength: 32, pattern: COURSE_CODE_PATTERN, from: (c) => c.courseCode },
  'course.id': { maxLength: 36, pattern: UUID, from: (c) => c.courseId },
  'lab.id': { maxLength: 36, pattern: UUID, from: (c) => c.labId },
  'session.id': { maxLength: 36, pattern: UUID, from: (c) => c.sessionId },
  'tenant.id': { maxLength: 36, pattern: UUID, from: (c) => c.tenantId },
  region: { maxLength: 25, pattern: /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/, from: (c) => c.region },
  'account.id': { maxLength: 12, pattern: /^\d{12}$/, from: (c) => c.accountId },
  partition: { maxLength: 10, pattern: /^aws(?:-[a-z]+)*$/, from: (c) => c.partition },
} satisfies Record<string, PlaceholderSpec>;

export type PlaceholderName = keyof typeof PLACEHOLDERS;
export const PLACEHOLDER_NAMES = Object.keys(PLACEHOLDERS) as PlaceholderName[];

/**
 * `{{ name }}`; anything else with braces is left for the unterminated check below. The inside is one
 * brace-free run, trimmed afterwards: `\s*([^{}]*?)\s*` backtracked cubically over a run of spaces.
 */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** Unknown names are echoed in messages; a hostile one must not make the answer huge. */
const NAME_SHOWN_MAX_CHARS = 64;

const shown = (name: string) => (name.length > NAME_SHOWN_MAX_CHARS ? `${name.slice(0, NAME_SHOWN_MAX_CHARS)}…` : name);

export function isPlaceholderName(name: string): name is PlaceholderName {
  return Object.prototype.hasOwnProperty.call(PLACEHOLDERS, name);
}

export interface PlaceholderProblem {
  message: string;
}

/** Unknown names and stray braces in one string, each worded so the instructor can fix it. */
export function placeholderProblems(text: string): PlaceholderProblem[] {
  const problems: PlaceholderProblem[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1].trim();
    if (!isPlaceholderName(name)) {
      problems.push({
        message: `Unknown placeholder "{{${shown(name)}}}"; known placeholders: ${PLACEHOLDER_NAMES.map((n) => `{{${n}}}`).join(', ')}`,
      });
    }
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    problems.push({ message: 'Unbalanced "{{" or "}}": placeholders are written {{name}}' });
  }
  return problems;
}

export function hasPlaceholder(text: string): boolean {
  return text.includes('{{');
}

/** Substitutes placeholders in one string; `valueOf` decides whether real or worst-case values go in. */
export function substitute(text: string, valueOf: (name: PlaceholderName) => string): string {
  return text.replace(PLACEHOLDER, (_whole, inside: string) => {
    const name = inside.trim();
    if (!isPlaceholderName(name)) throw new TemplateRenderError(`Unknown placeholder "{{${shown(name)}}}"`);
    return valueOf(name);
  });
}

/** A value of the placeholder's maximum length, for sizing. */
export function worstCaseValue(name: PlaceholderName): string {
  return 'x'.repeat(PLACEHOLDERS[name].maxLength);
}

/** Real values, checked against each placeholder's pattern so a bad row cannot produce a broken request. */
export function contextValue(ctx: RenderContext, name: PlaceholderName): string {
  const spec: PlaceholderSpec = PLACEHOLDERS[name];
  const value = spec.from(ctx);
  if (typeof value !== 'string' || value.length > spec.maxLength || !spec.pattern.test(value)) {
    throw new TemplateRenderError(`Value for {{${name}}} does not match ${spec.pattern} (max ${spec.maxLength} chars)`);
  }
  return value;
}

export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
}
