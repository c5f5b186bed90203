// Every error reaches the client through here, as {error: {code, message, details?}}, never with
// a stack trace. Unexpected errors are logged in full and answered with a generic 500.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import {
  Conflict, DomainError, LimitReached, LinkRefused, NotFound, PaymentProviderRefused, PaymentProviderUnavailable, ValidationFailed,
} from '../errors.ts';
import { AppError } from './app-error.ts';
import { redactUrl } from './request-logging.ts';

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

// Prisma's driver adapter reports a lost connection by kind rather than by SQLSTATE.
const UNAVAILABLE_KINDS = new Set(['ConnectionClosed', 'DatabaseNotReachable', 'SocketTimeout', 'TooManyConnections']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|Can't reach database|timeout exceeded when trying to connect|DatabaseNotReachable|ConnectionClosed|Server has closed the connection|not queryable|the database system is (shutting down|starting up|in recovery)|terminating connection due to administrator command/i;

/**
 * Looks through the error, its causes and, for Prisma errors, the driver adapter's error in
 * `meta.driverAdapterError` (where a restarting server's 57P01/57P03 ends up, under a P2010 or
 * P2039 code of Prisma's own).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const queue: unknown[] = [error];
  for (let i = 0; i < queue.length && i < 12; i++) {
    const e = queue[i];
    if (!e || typeof e !== 'object') continue;
    const { code, originalCode, kind, message, cause, meta } = e as {
      code?: unknown; originalCode?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown };
    };
    if ([code, originalCode].some((c) => typeof c === 'string' && UNAVAILABLE_CODES.has(c))) return true;
    if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    queue.push(cause, meta?.driverAdapterError);
  }
  return false;
}

/** Each domain error's status: the only place that knows them. */
function fromDomainError(error: DomainError): AppError {
  const retryAfter = (seconds: number) => ({ 'Retry-After': String(seconds) });
  if (error instanceof ValidationFailed) return new AppError(400, error.code, error.message, error.details);
  if (error instanceof NotFound) return new AppError(404, error.code, error.message);
  if (error instanceof Conflict) return new AppError(409, error.code, error.message);
  if (error instanceof LinkRefused) return new AppError(error.expired ? 410 : 403, error.code, error.message);
  if (error instanceof LimitReached) return new AppError(429, error.code, error.message, undefined, retryAfter(error.retryAfterSeconds));
  if (error instanceof PaymentProviderUnavailable) {
    return new AppError(503, error.code, error.message, undefined, retryAfter(error.retryAfterSeconds));
  }
  // Stripe refusing our request: our side is wrong, which no retry of the client's fixes.
  if (error instanceof PaymentProviderRefused) return new AppError(502, error.code, error.message);
  return new AppError(500, 'internal_error', 'Something went wrong on our side');
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof DomainError) return fromDomainError(error);
  const parser = error as HttpParserError;
  // A path segment that is not percent-encoded UTF-8 ("%FF", "%C0%AE", "%E0%A4%A"): the router's
  // decodeURIComponent throws a URIError that carries no `expose`, so it must be mapped here.
  if (error instanceof URIError) return new AppError(400, 'bad_request', 'Malformed percent-encoding in the URL');
  if (parser?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'Request body is too large');
  if (parser?.type === 'parameters.too.many') return new AppError(413, 'payload_too_large', 'Too many form fields');
  if (parser?.type === 'entity.parse.failed') return new AppError(400, 'invalid_body', 'Request body is not valid JSON');
  if (parser?.type === 'encoding.unsupported' || parser?.type === 'charset.unsupported') {
    return new AppError(415, 'unsupported_encoding', 'Unsupported request body encoding');
  }
  // http-errors from the parsers and from serve-static (which marks even its 404 expose: false):
  // a client's fault, answered with its status and a generic message.
  const fromHttpErrors = parser?.expose || (parser as { statusCode?: unknown })?.statusCode === parser?.status;
  if (fromHttpErrors && typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    if (parser.status === 404) return AppError.notFound('File');
    return new AppError(parser.status, parser.status === 403 ? 'forbidden' : 'bad_request', 'Malformed request');
  }
  if (isDatabaseUnavailable(error)) return AppError.unavailable('The database is unavailable, please retry shortly');
  return new AppError(500, 'internal_error', 'Something went wrong on our side');
}

/** Maps and logs an error once, for whichever handler answers it (JSON here, HTML for pages). */
export function reportError(error: unknown, req: Request): AppError {
  const appError = toAppError(error);
  if (appError.status >= 500) req.log?.error({ err: error }, 'request failed');
  else req.log?.debug({ code: appError.code, details: appError.details }, appError.message);
  return appError;
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const appError = reportError(error, req);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.set(appError.headers ?? {});
  // The answer's code, for whoever counts outcomes once it is sent (pledge refusals in /metrics).
  res.locals.errorCode = appError.code;
  res.status(appError.status).json({
    error: { code: appError.code, message: appError.message, ...(appError.details ? { details: appError.details } : {}) },
  });
};

export const apiNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `No route for ${req.method} ${redactUrl(req.originalUrl.split('?')[0])}`));
};
