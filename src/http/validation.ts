// Request validation with zod: one place that turns a zod failure into a 400 naming each field.
import type { z } from 'zod';
import { issuesToDetails, ValidationFailed } from '../errors.ts';

export { issuesToDetails };

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationFailed(issuesToDetails(result.error.issues));
  return result.data;
}
