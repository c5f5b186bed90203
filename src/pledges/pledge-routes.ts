// POST /api/pledges: HTTP only. JSON gets JSON; the HTML form (form-encoded) is handed to the
// web layer, which answers with a redirect to Checkout or the form again. Both submit through
// PledgeService.create, which judges the request and names each field that fails.
import { Router, type RequestHandler } from 'express';
import { parseOrThrow } from '../http/validation.ts';
import { z } from 'zod';
import { idempotencyKeySchema } from './pledge-schemas.ts';
import type { PledgeService } from './pledge-service.ts';
import { AppError } from '../http/app-error.ts';
import type { Metrics } from '../metrics/metrics.ts';

export const PLEDGES_PATH = '/api/pledges';

/**
 * Counts refused donation attempts by the code they were answered with (res.locals.errorCode, set
 * by the error handler and by the form's own HTML answers). Mounted before the body parsers, so an
 * oversized or malformed body counts too.
 */
export function countPledgeRefusals(metrics: Pick<Metrics, 'pledgeRefused'>): RequestHandler {
  return (_req, res, next) => {
    res.once('finish', () => {
      if (typeof res.locals.errorCode === 'string') metrics.pledgeRefused(res.locals.errorCode);
    });
    next();
  };
}

const idempotencyHeader = z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() });

export function pledgeRoutes(deps: {
  pledges: PledgeService;
  rateLimits: RequestHandler[];
  formHandler?: RequestHandler;
}): Router {
  const router = Router();

  router.post(PLEDGES_PATH, ...deps.rateLimits, async (req, res, next) => {
    if (req.is('application/x-www-form-urlencoded')) {
      if (deps.formHandler) return deps.formHandler(req, res, next);
    }
    if (!req.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json)');
    }
    const { 'Idempotency-Key': idempotencyKey } = parseOrThrow(idempotencyHeader, {
      'Idempotency-Key': req.get('Idempotency-Key'),
    });
    const { pledge, replayed } = await deps.pledges.create(req.body ?? {}, { idempotencyKey, clientAddress: req.ip });
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(201).json(pledge);
  });

  return router;
}
