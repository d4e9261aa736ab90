import { ValidationError } from '#domain/shared/errors.ts';
import type * as z from '#domain/shared/zod.ts';

/** zod's failures as the caller's 400, in one place: each issue with the field it names. */

/** A request part (body, query) that failed its schema: every failing field, `(part)` for the part as a whole. */
export function invalidFields(code: string, part: string, what: string, error: z.core.$ZodError) {
  const issues = error.issues.map((issue) => ({
    path: issue.path.join('.') || `(${part})`,
    message: issue.message,
  }));
  return new ValidationError(code, `${what}: ${issues.map((issue) => issue.path).join(', ')}`, issues);
}

/** One named value (a header, a command's argument) that failed its schema: `name: what is wrong`. */
function invalidValue(code: string, name: string, error: z.core.$ZodError) {
  const message = error.issues[0]?.message ?? 'invalid';
  return new ValidationError(code, `${name}: ${message}`, [{ path: name, message }]);
}

/** The value as its schema reads it, or the 400 `code` naming it. */
export function checkValue<T>(schema: z.ZodMiniType<T>, value: unknown, code: string, name: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidValue(code, name, parsed.error);
}
