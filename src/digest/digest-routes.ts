// POST /api/digest/subscriptions: HTTP only. JSON gets JSON; the sign-up forms (form-encoded)
// are handed to the web layer, which answers with a page. Every well-formed sign-up gets the same
// answer, whatever is known about the address.
import { Router, type RequestHandler } from 'express';
import { AppError } from '../http/app-error.ts';
import { concurrencyGate } from '../http/concurrency-gate.ts';
import type { DigestService } from './digest-service.ts';
import { SIGNED_UP_MESSAGE } from './digest-schemas.ts';

export const DIGEST_SUBSCRIPTIONS_PATH = '/api/digest/subscriptions';

export function digestRoutes(deps: {
  digest: DigestService;
  rateLimits: RequestHandler[];
  /** How many sign-ups write at once (src/http/capacity.ts). */
  capacity: { concurrency: number; maxWaiting: number };
  formHandler?: RequestHandler;
}): Router {
  const router = Router();
  const gate = concurrencyGate({ ...deps.capacity, message: 'Too many sign-ups right now. Please wait a moment and try again.' });
  router.post(DIGEST_SUBSCRIPTIONS_PATH, ...deps.rateLimits, gate, async (req, res, next) => {
    if (req.is('application/x-www-form-urlencoded') && deps.formHandler) return deps.formHandler(req, res, next);
    if (!req.is('application/json')) throw new AppError(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json)');
    const request = deps.digest.parse(req.body ?? {});
    await deps.digest.signUp({ ...request, ip: req.ip });
    res.status(202).json({ status: 'check_your_inbox', message: SIGNED_UP_MESSAGE });
  });
  return router;
}
