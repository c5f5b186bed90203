// subscribers.csv for staff (the newsletter tool's import): confirmed addresses with their
// consent. HTTP only; mounted in the admin API (bearer key) and the dashboard (session cookie),
// beside the finance exports, sharing their slots and their streaming.
import { Router } from 'express';
import type { Logger } from 'pino';
import { sendCsvBytes, stamp } from '../payments/export-routes.ts';
import type { ExportService } from '../payments/export-service.ts';
import type { SubscriberExportRepository } from './digest-repository.ts';

export const SUBSCRIBER_COLUMNS = ['email', 'name', 'consent_at', 'source', 'consent_ip', 'confirmed_at', 'confirm_ip'];

export function subscriberExportRoutes(deps: { exports: ExportService; subscribers: SubscriberExportRepository; logger: Logger; now: () => Date }): Router {
  const router = Router();
  router.get('/exports/subscribers.csv', async (req, res) => {
    sendCsvBytes(res, `subscribers-${stamp(deps.now())}.csv`, await deps.exports.stream('subscribers', deps.subscribers.subscribers), req.log ?? deps.logger);
  });
  return router;
}
