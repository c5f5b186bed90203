// Which failures are worth Stripe's retries. A permanent one (a payload we can never apply) is
// stored as failed and acknowledged; anything else rolls back and answers 5xx so Stripe retries.
export class PermanentEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentEventError';
  }
}

// PostgreSQL data exceptions (22xxx) and constraint violations other than unique (a unique
// violation is a race with another instance, which a retry resolves).
const PERMANENT_SQLSTATE = /^(22[0-9A-Z]{3}|23502|23503|23514|23P01)$/;

export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof PermanentEventError) return true;
  // Prisma refusing the values themselves (a field of the wrong type in the payload): the same
  // payload fails the same way on every retry.
  if ((error as { name?: unknown })?.name === 'PrismaClientValidationError') return true;
  return sqlStates(error).some((code) => PERMANENT_SQLSTATE.test(code));
}

/** SQLSTATE codes anywhere in an error (Prisma wraps the driver's error a few levels deep). */
function sqlStates(error: unknown, depth = 0, found: string[] = []): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return found;
  for (const [key, value] of Object.entries(error as Record<string, unknown>)) {
    if ((key === 'code' || key === 'originalCode') && typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value) && !/^P\d{4}$/.test(value)) {
      found.push(value);
    } else if (value && typeof value === 'object') {
      sqlStates(value, depth + 1, found);
    }
  }
  const cause = (error as { cause?: unknown }).cause;
  if (cause) sqlStates(cause, depth + 1, found);
  return found;
}

export function describeError(error: unknown): string {
  // No NUL: PostgreSQL text cannot hold one, and the description is stored in last_error.
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\u0000/g, '').slice(0, 2000);
}
