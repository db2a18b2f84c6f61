import { ValidateIf } from 'class-validator';

/**
 * "Optional but not nullable": the field may be left out, but an explicit `null` is validated like any other
 * value (and refused by the type check), so it never reaches Prisma for a column that cannot hold it.
 * `@IsOptional()` skips validation for null too; keep it only where the schema says nullable.
 */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);
