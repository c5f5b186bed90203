// Request validation with zod: one place that turns a zod failure into a 400 naming each field.
import type { z } from 'zod';
import { AppError, type ErrorDetail } from './app-error.ts';

export function issuesToDetails(issues: readonly z.core.$ZodIssue[]): ErrorDetail[] {
  return issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const field = [...issue.path, ...unknownKeys.slice(0, 1)].map(String).join('.') || undefined;
    return { ...(field ? { field } : {}), message: issue.message };
  });
}

export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw AppError.validation(issuesToDetails(result.error.issues));
  return result.data;
}
