// The HTTP answer to an error: a status and a public code. error-handler.ts turns every error (a
// domain error from src/errors.ts, a parser's, the database's) into one, once; only HTTP code
// (routes, middleware) throws it directly, for what only HTTP knows (a missing header, a bad key).
import type { ErrorDetail } from '../errors.ts';

export type { ErrorDetail };

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static validation(details: ErrorDetail[], message?: string): AppError {
    const fields = details.map((d) => d.field).filter(Boolean);
    return new AppError(
      400,
      'validation_failed',
      message ?? (fields.length ? `Invalid ${[...new Set(fields)].join(', ')}` : 'Invalid request'),
      details,
    );
  }

  static notFound(what: string): AppError {
    return new AppError(404, 'not_found', `${what} not found`);
  }

  static conflict(message: string): AppError {
    return new AppError(409, 'conflict', message);
  }

  static unavailable(message: string, retryAfterSeconds = 5): AppError {
    return new AppError(503, 'service_unavailable', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}
