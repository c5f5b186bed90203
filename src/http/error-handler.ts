// Every error reaches the client through here, as {error: {code, message, details?}}, never with
// a stack trace. Unexpected errors are logged in full and answered with a generic 500.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error.ts';

interface HttpParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

// Errors from the pg driver and Prisma that mean "the database is not there right now".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', '57P01', '57P02', '57P03', '53300',
  'P1001', 'P1002', 'P1017', 'P2024',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && /Connection terminated|connection timeout|Can't reach database|timeout exceeded when trying to connect|DatabaseNotReachable|ConnectionClosed/i.test(message)) {
      return true;
    }
    e = cause;
  }
  return false;
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const parser = error as HttpParserError;
  if (parser?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (parser?.type === 'entity.parse.failed') return new AppError(400, 'invalid_body', 'Request body is not valid JSON');
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported') {
    return new AppError(415, 'unsupported_encoding', 'Unsupported request body encoding');
  }
  if (parser?.expose && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return new AppError(parser.status, 'bad_request', 'Malformed request');
  }
  if (isDatabaseUnavailable(error)) return AppError.unavailable('The database is unavailable, please retry shortly');
  return new AppError(500, 'internal_error', 'Something went wrong on our side');
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = toAppError(error);
  if (appError.status >= 500) req.log?.error({ err: error }, 'request failed');
  else req.log?.debug({ code: appError.code, details: appError.details }, appError.message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.set(appError.headers ?? {});
  res.status(appError.status).json({
    error: { code: appError.code, message: appError.message, ...(appError.details ? { details: appError.details } : {}) },
  });
};

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `No route for ${req.method} ${req.originalUrl.split("?")[0]}`));
};
