// /api/admin: HTTP only. Authentication is applied by the caller to the whole mount (so even an
// unknown admin path answers 401 to a caller without a key); rules live in the services.
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { parseOrThrow } from '../http/validation.ts';
import type { AdminCampaignService } from './admin-campaign-service.ts';
import type { AdminPledgeService } from './admin-pledge-service.ts';
import {
  createCampaignSchema, paymentExportQuery, pledgeExportQuery, pledgeListQuery, payoutExportQuery, reconcileRequest,
  reconciliationQuery, slugParams, updateCampaignSchema, webhookEventListQuery, webhookEventParams,
} from './admin-schemas.ts';
import type { CsvExport, ExportService } from './export-service.ts';
import { RECONCILIATION_COLUMNS, reconciliationRecords, type ReconciliationService } from './reconciliation-service.ts';
import type { WebhookEventService } from './webhook-operations.ts';

export interface AdminRouteDeps {
  campaigns: AdminCampaignService;
  pledges: AdminPledgeService;
  exports: ExportService;
  reconciliation: ReconciliationService;
  webhookEvents: WebhookEventService;
  logger: Logger;
  clock?: () => Date;
}

/**
 * Streams records as CSV with backpressure (pipeline pauses the database cursor while the socket
 * is full) and tears the whole chain down, query included, when the client goes away.
 */
function sendCsv(res: Response, filename: string, csv: CsvExport, logger: Logger): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'X-Content-Type-Options': 'nosniff',
  });
  pipeline(csv.records, stringify({ header: true, columns: csv.columns }), res, (error) => {
    if (!error) return;
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      logger.info({ export: filename }, 'export stopped: the client went away');
    } else {
      // Headers are sent: the only honest signal left is to cut the response short.
      logger.error({ err: error, export: filename }, 'export failed mid-stream');
      res.destroy(error);
    }
  });
}

const stamp = (d: Date) => d.toISOString().slice(0, 10);

export function adminRoutes(deps: AdminRouteDeps): Router {
  const router = Router();
  const now = deps.clock ?? (() => new Date());

  router.post('/campaigns', async (req, res) => {
    const body = parseOrThrow(createCampaignSchema, req.body ?? {});
    res.status(201).json(await deps.campaigns.create(body));
  });

  router.patch('/campaigns/:slug', async (req, res) => {
    const { slug } = parseOrThrow(slugParams, req.params);
    const body = parseOrThrow(updateCampaignSchema, req.body ?? {});
    res.json(await deps.campaigns.update(slug, body));
  });

  router.get('/pledges', async (req, res) => {
    res.json(await deps.pledges.list(parseOrThrow(pledgeListQuery, req.query)));
  });

  router.get('/exports/payments.csv', async (req, res) => {
    const filter = parseOrThrow(paymentExportQuery, req.query);
    sendCsv(res, `payments-${stamp(now())}.csv`, await deps.exports.payments(filter), req.log ?? deps.logger);
  });

  router.get('/exports/pledges.csv', async (req, res) => {
    const filter = parseOrThrow(pledgeExportQuery, req.query);
    sendCsv(res, `pledges-${stamp(now())}.csv`, await deps.exports.pledges(filter), req.log ?? deps.logger);
  });

  router.get('/exports/payouts.csv', async (req, res) => {
    const filter = parseOrThrow(payoutExportQuery, req.query);
    sendCsv(res, `payouts-${stamp(now())}.csv`, await deps.exports.payouts(filter), req.log ?? deps.logger);
  });

  router.get('/reconciliation', async (req, res) => {
    const query = parseOrThrow(reconciliationQuery, req.query);
    const report = await deps.reconciliation.report(query.from, query.to);
    if (query.format === 'json') return void res.json(report);
    const csv = { columns: RECONCILIATION_COLUMNS, records: Readable.from(reconciliationRecords(report)) };
    sendCsv(res, `reconciliation-${stamp(query.from)}-${stamp(query.to)}.csv`, csv, req.log ?? deps.logger);
  });

  router.get('/webhook-events', async (req, res) => {
    res.json(await deps.webhookEvents.list(parseOrThrow(webhookEventListQuery, req.query)));
  });

  router.post('/webhook-events/:id/replay', async (req, res) => {
    const { id } = parseOrThrow(webhookEventParams, req.params);
    res.json({ id, result: await deps.webhookEvents.replay(id) });
  });

  router.post('/reconcile', async (req, res) => {
    const { since } = parseOrThrow(reconcileRequest, req.body ?? {});
    res.json(await deps.webhookEvents.reconcile(since));
  });

  return router;
}
