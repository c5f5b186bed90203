// Card-testing defence: donation forms are where stolen cards get tried, many small charges from
// few addresses or a botnet. One limit per client address and one for the whole service, each
// logged when hit, so an attack shows in the logs before it shows in Stripe's dispute bill.
import type { RequestHandler } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { Logger } from 'pino';
import { AppError } from './app-error.ts';

export interface PledgeLimits {
  perClientPerMinute: number;
  globalPerMinute: number;
}

function limiter(name: string, limit: number, logger: Logger, keyGenerator?: Options['keyGenerator']): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    ...(keyGenerator ? { keyGenerator } : {}),
    handler(req, _res, next, options) {
      const resetTime = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      logger.warn({ limiter: name, clientAddress: req.ip, path: req.path, retryAfter }, 'pledge rate limit hit');
      next(new AppError(429, 'rate_limited', 'Too many donation attempts. Please wait a minute and try again.', undefined, {
        'Retry-After': String(retryAfter),
      }));
    },
  });
}

/** Per-address first (a single attacker), then global (a distributed one). */
export function pledgeRateLimits(limits: PledgeLimits, logger: Logger): RequestHandler[] {
  return [
    limiter('per-client', limits.perClientPerMinute, logger),
    limiter('global', limits.globalPerMinute, logger, () => 'global'),
  ];
}
