// POST /webhooks/stripe: HTTP only. Reads the raw bytes (the signature covers them exactly, so
// this router is mounted before any JSON parser), verifies them (webhook-gateway.ts), hands the event to
// the inbox. 200 = stored (applied, ignored, deferred, failed for good or duplicate); 5xx = retry.
import express, { Router, type ErrorRequestHandler } from 'express';
import { AppError } from '../http/app-error.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { WebhookGateway } from './webhook-gateway.ts';
import type { WebhookInbox } from './webhook-inbox.ts';

export const WEBHOOK_PATH = '/webhooks/stripe';
/** Stripe's events are a few KB; invoices with many lines stay far below this. */
export const WEBHOOK_BODY_LIMIT = '512kb';
/** Stripe's own default: a signature older than this is a replay, not a delivery. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
const STORABLE_ID = /^[\x21-\x7E]{1,255}$/;

export function webhookRoutes(deps: {
  inbox: WebhookInbox;
  verifier: WebhookGateway;
  metrics?: Pick<Metrics, 'webhookEvent'>;
}): Router {
  const router = Router();

  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const signature = req.get('Stripe-Signature');
    if (!signature) throw new AppError(400, 'missing_signature', 'Missing Stripe-Signature header');
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError(400, 'invalid_body', 'Empty webhook body');
    const delivery = deps.verifier.verify(req.body, signature, SIGNATURE_TOLERANCE_SECONDS);
    if (!delivery.ok && delivery.problem === 'signature') throw new AppError(400, 'invalid_signature', 'Stripe signature verification failed');
    if (!delivery.ok) throw new AppError(400, 'invalid_body', 'Webhook body is not a Stripe event');
    const { event } = delivery;
    // Stored by its id: an event without a usable one (printable, as Stripe's evt_... ids are) cannot be kept.
    if (typeof event?.id !== 'string' || !STORABLE_ID.test(event.id) || !event.type || !event.data?.object) {
      throw new AppError(400, 'invalid_body', 'Webhook body is not a Stripe event');
    }
    const result = await deps.inbox.receive(event, 'webhook');
    res.status(200).json({ received: true, status: result.status });
  });

  // The signature cannot be checked on a body we refused to read: a plain 400, nothing stored.
  const tooLarge: ErrorRequestHandler = (error, _req, _res, next) => {
    if ((error as { type?: string }).type === 'entity.too.large') {
      next(new AppError(400, 'payload_too_large', `Webhook body is larger than ${WEBHOOK_BODY_LIMIT}`));
      return;
    }
    next(error);
  };
  // Refused at the door (unsigned, forged, stale, oversized): its type cannot be trusted, so 'unknown'.
  // A 5xx (nothing stored, Stripe retries) is counted by the inbox, which knows the event.
  const countRejected: ErrorRequestHandler = (error, _req, _res, next) => {
    if (error instanceof AppError && error.status < 500) deps.metrics?.webhookEvent('unknown', 'rejected', 'webhook');
    next(error);
  };
  router.use(WEBHOOK_PATH, tooLarge, countRejected);

  return router;
}
