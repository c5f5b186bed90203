// Staff's handle on the inbox, /api/admin/webhook-events and /api/admin/reconcile: HTTP only.
import { Router } from 'express';
import { parseOrThrow } from '../http/validation.ts';
import { reconcileRequest, webhookEventListQuery, webhookEventParams } from './webhook-admin-schemas.ts';
import type { WebhookEventService } from './webhook-operations.ts';

export function webhookAdminRoutes(deps: { webhookEvents: WebhookEventService }): Router {
  const router = Router();

  router.get('/webhook-events', async (req, res) => {
    res.json(await deps.webhookEvents.list(parseOrThrow(webhookEventListQuery, req.query)));
  });

  router.post('/webhook-events/:id/replay', async (req, res) => {
    const { id } = parseOrThrow(webhookEventParams, req.params);
    res.json({ id, result: await deps.webhookEvents.replay(id) });
  });

  router.post('/reconcile', async (req, res) => {
    const { since } = parseOrThrow(reconcileRequest, req.body ?? {});
    res.json(await deps.webhookEvents.recoverMissedEvents(since));
  });

  return router;
}
