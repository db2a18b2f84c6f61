import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationProblemException, type FieldProblem } from './problem';

/** NUL, which Postgres text cannot hold, and UTF-16 surrogates without their pair, which UTF-8 cannot encode. */
// eslint-disable-next-line no-control-regex -- NUL is the character refused
const UNSTORABLE = /\u0000|\p{Surrogate}/u;
const MAX_REPORTED = 20;

/**
 * Refuses strings storage cannot hold, in bodies, query strings and path parameters alike (400 naming each
 * field), before validation and long before Postgres would refuse them with an error the api cannot name.
 * Walks iteratively; bodies are already shallow (see json-shape.ts). Custom decorators are left alone:
 * they carry the actor or a request stream, not client text.
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const problems = unstorableFields(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
    if (problems.length > 0) throw new ValidationProblemException(problems);
    return value;
  }
}

export function unstorableFields(root: unknown, rootPath: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: [unknown, string][] = [[root, rootPath]];
  while (stack.length > 0 && problems.length < MAX_REPORTED) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value))
        problems.push({
          field: path || 'body',
          message: `${path || 'body'} must not contain NUL characters or unpaired UTF-16 surrogates`,
        });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => stack.push([item, `${path}[${index}]`]));
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key))
          problems.push({
            field: itemPath,
            message: 'field names must not contain NUL characters or unpaired UTF-16 surrogates',
          });
        else stack.push([item, itemPath]);
      }
    }
  }
  return problems;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
