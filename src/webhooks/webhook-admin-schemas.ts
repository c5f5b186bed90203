// What staff may ask of the webhook inbox: list its events, replay one, recover what was missed.
// The routes validate with these and the OpenAPI document is generated from them.
import { z } from 'zod';
import { cursorField, instant, pageLimit } from '../listing.ts';

/** Stripe's event ids, and the ids recovery gives the events it makes up (reconcile_...). */
export const INBOX_EVENT_ID = /^(evt|reconcile)_[A-Za-z0-9_]{1,240}$/;

export const webhookEventListQuery = z.strictObject({
  status: z.enum(['received', 'processed', 'ignored', 'failed', 'deferred'], 'must be received, processed, ignored, failed or deferred').optional(),
  type: z.string().max(100).regex(/^[a-z_.]+$/, 'must be a Stripe event type').optional(),
  cursor: cursorField.optional(),
  limit: pageLimit.optional().default(50),
});

export const webhookEventParams = z.object({
  id: z.string().regex(INBOX_EVENT_ID, 'must be an event id from the inbox (evt_...)'),
});

export const reconcileRequest = z.strictObject({
  since: instant,
});

export type WebhookEventListQuery = z.infer<typeof webhookEventListQuery>;
