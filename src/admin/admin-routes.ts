// /api/admin: HTTP only. Authentication is applied by the caller to the whole mount (so even an
// unknown admin path answers 401 to a caller without a key); rules live in the services.
import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { endWhenStalled } from '../http/stall-guard.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { AdminCampaignService } from './admin-campaign-service.ts';
import type { AdminPledgeService } from './admin-pledge-service.ts';
import {
  createCampaignSchema, paymentExportQuery, pledgeExportQuery, pledgeListQuery, payoutExportQuery, reconcileRequest,
  reconciliationQuery, slugParams, updateCampaignSchema, webhookEventListQuery, webhookEventParams,
} from './admin-schemas.ts';
import type { CsvBytes, CsvExport, ExportService } from './export-service.ts';
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

function csvHeaders(res: Response, filename: string): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${filename}"`,
    'X-Content-Type-Options': 'nosniff',
  });
}

function onStreamEnd(res: Response, filename: string, logger: Logger) {
  return (error: Error | null | undefined) => {
    if (!error) return;
    if ((error as { code?: string }).code === 'ERR_STREAM_PREMATURE_CLOSE') {
      logger.info({ export: filename }, 'export stopped: the client went away');
    } else {
      // Headers are sent: the only honest signal left is to cut the response short.
      logger.error({ err: error, export: filename }, 'export failed mid-stream');
      res.destroy(error);
    }
  };
}

/**
 * Streams records as CSV with backpressure (pipeline pauses the source while the socket is full)
 * and tears the whole chain down when the client goes away.
 */
export function sendCsv(res: Response, filename: string, csv: CsvExport, logger: Logger): void {
  csvHeaders(res, filename);
  pipeline(csv.records, stringify({ header: true, columns: csv.columns }), res, onStreamEnd(res, filename, logger));
}

/**
 * Streams CSV bytes that PostgreSQL wrote (COPY ... TO STDOUT) straight into the response. The
 * pipeline gives backpressure (the COPY waits while the socket is full) and, when the client goes
 * away, destroys the COPY stream, whose client is then discarded and the query ended. A client
 * that stays connected but stops reading is cut off after the export's stall time.
 */
export function sendCsvBytes(res: Response, filename: string, csv: CsvBytes, logger: Logger, format: 'csv' | 'excel' = 'csv'): void {
  csvHeaders(res, filename);
  if (format === 'excel') res.write(UTF8_BOM);
  endWhenStalled(res, csv.stallAfterMs, () => logger.warn({ export: filename, stallAfterMs: csv.stallAfterMs }, 'export ended: the client stopped reading'));
  pipeline(csv.body, res, onStreamEnd(res, filename, logger));
}

const stamp = (d: Date) => d.toISOString().slice(0, 10);
const UTF8_BOM = '\uFEFF';

/** The three CSV exports; mounted in the API (bearer key) and in the dashboard (session cookie). */
export function csvExportRoutes(exports: ExportService, logger: Logger, now: () => Date): Router {
  const router = Router();
  router.get('/exports/payments.csv', async (req, res) => {
    const { format, ...filter } = parseOrThrow(paymentExportQuery, req.query);
    sendCsvBytes(res, `payments-${stamp(now())}.csv`, await exports.payments(filter), req.log ?? logger, format);
  });

  router.get('/exports/pledges.csv', async (req, res) => {
    const { format, ...filter } = parseOrThrow(pledgeExportQuery, req.query);
    sendCsvBytes(res, `pledges-${stamp(now())}.csv`, await exports.pledges(filter), req.log ?? logger, format);
  });

  router.get('/exports/payouts.csv', async (req, res) => {
    const { format, ...filter } = parseOrThrow(payoutExportQuery, req.query);
    sendCsvBytes(res, `payouts-${stamp(now())}.csv`, await exports.payouts(filter), req.log ?? logger, format);
  });
  return router;
}

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

  router.use(csvExportRoutes(deps.exports, deps.logger, now));

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
