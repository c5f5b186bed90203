// The CSV exports (payments, pledges, payouts): HTTP only, streamed with backpressure. Mounted in
// the admin API (bearer key) and in the dashboard (session cookie).
import { pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { coalesce } from '../http/coalesce.ts';
import { endWhenStalled } from '../http/stall-guard.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { CsvBytes, CsvExport, ExportService } from './export-service.ts';
import { matchExportQuery, paymentExportQuery, payoutExportQuery, pledgeExportQuery, type CsvFormat } from './finance-schemas.ts';

export function csvHeaders(res: Response, filename: string): void {
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
 * Streams CSV bytes that PostgreSQL wrote (COPY ... TO STDOUT) into the response, gathered into
 * writes of 64 KB (coalesce: PostgreSQL's packets are small). The pipeline gives backpressure (the COPY waits while the socket is full) and, when the client goes
 * away, destroys the COPY stream, whose client is then discarded and the query ended. A client
 * that stays connected but stops reading is cut off after the export's stall time.
 */
export function sendCsvBytes(res: Response, filename: string, csv: CsvBytes, logger: Logger, format: CsvFormat = 'csv'): void {
  csvHeaders(res, filename);
  if (format === 'excel') res.write(UTF8_BOM);
  endWhenStalled(res, csv.stallAfterMs, () => logger.warn({ export: filename, stallAfterMs: csv.stallAfterMs }, 'export ended: the client stopped reading'));
  pipeline(csv.body, coalesce(), res, onStreamEnd(res, filename, logger));
}

export const stamp = (d: Date) => d.toISOString().slice(0, 10);
const UTF8_BOM = '\uFEFF';

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

  router.get('/exports/matches.csv', async (req, res) => {
    const { format, ...filter } = parseOrThrow(matchExportQuery, req.query);
    sendCsvBytes(res, `matches-${stamp(now())}.csv`, await exports.matches(filter), req.log ?? logger, format);
  });
  return router;
}
