// Card-testing defence: donation forms are where stolen cards get tried, many small charges from
// few addresses or a botnet. Here, the limit per client address on every donation request (junk
// included: it only ever holds back its own sender); the limit for the whole service counts only
// attempts that reach Stripe (checkout-budget.ts). Each is logged when hit, so an attack shows in
// the logs before it shows in Stripe's dispute bill.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { AppError } from './app-error.ts';

function limiter(name: string, limit: number, logger: Logger, message = 'Too many donation attempts. Please wait a minute and try again.', key?: string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    // One key for every client: a limit on the service as a whole.
    ...(key ? { keyGenerator: () => key } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler(req, _res, next, options) {
      const state = (req as { rateLimit?: { resetTime?: Date; used?: number } }).rateLimit;
      const retryAfter = Math.max(1, Math.ceil(((state?.resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now()) / 1000));
      // Once per address and window: a flood must not turn into as many log lines.
      if (state?.used === limit + 1) logger.warn({ limiter: name, clientAddress: req.ip, path: req.path, retryAfter }, `${name.startsWith('digest') ? 'digest sign-up' : 'pledge'} rate limit hit`);
      next(new AppError(429, 'rate_limited', message, undefined, {
        'Retry-After': String(retryAfter),
      }));
    },
  });
}

/** Per client address (IPv6 per /56), before any work. */
export function pledgeRateLimits(limits: { perClientPerMinute: number }, logger: Logger): RequestHandler[] {
  return [limiter('per-client', limits.perClientPerMinute, logger)];
}

/**
 * The digest sign-up, per client address and for all of them together (per instance): each one
 * may queue an email, so a script must not be able to try addresses by the thousand, nor a
 * botnet (each address under its own limit) turn the service into a mailer of confirmation
 * emails to strangers. The mail to one address is capped per hour besides.
 */
export function digestSignUpRateLimits(limits: { perClientPerMinute: number; globalPerMinute: number }, logger: Logger): RequestHandler[] {
  const message = 'Too many sign-ups. Please wait a minute and try again.';
  return [limiter('digest-per-client', limits.perClientPerMinute, logger, message), limiter('digest-global', limits.globalPerMinute, logger, message, 'all')];
}
