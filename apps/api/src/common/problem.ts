import { BadRequestException, HttpStatus } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import type { FieldProblem } from '@labkeys/core';

/** One field-level problem in a request. */
export type { FieldProblem };

/** RFC 9457 problem details, the body of every 4xx/5xx answer. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const problemType = (slug: string) => `urn:labkeys:problem:${slug}`;

/** 400 naming each invalid field; thrown by the global ValidationPipe and by use cases. */
export class ValidationProblemException extends BadRequestException {
  constructor(
    readonly errors: FieldProblem[],
    detail = 'The request has invalid fields.',
  ) {
    super({ errors, detail });
  }
}

/** Flattens class-validator's tree into dotted field paths (`tags[2].key`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const segment = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const field = parent ? (segment.startsWith('[') ? `${parent}${segment}` : `${parent}.${segment}`) : segment;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

export function statusTitle(status: number): string {
  const name = HttpStatus[status];
  if (!name) return status >= 500 ? 'Server Error' : 'Request Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}
