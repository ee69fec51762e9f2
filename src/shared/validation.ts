import type { z } from 'zod';
import { invalidInput } from './errors.ts';

/** "batch[3].event: must not be empty" — names the field a person has to fix. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const where = `${prefix}${path}`.replace(/^\./, '');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Validates input at an edge; failure is a 400 that names each bad field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(describeIssues(result.error, where));
  return result.data;
}
