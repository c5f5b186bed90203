// GET /api/admin/reconciliation: HTTP only. The Stripe-versus-database report, as JSON or CSV.
import { Readable } from 'node:stream';
import { Router } from 'express';
import type { Logger } from 'pino';
import { parseOrThrow } from '../http/validation.ts';
import { sendCsv, stamp } from './export-routes.ts';
import { reconciliationQuery } from './finance-schemas.ts';
import { RECONCILIATION_COLUMNS, reconciliationRecords, type ReconciliationService } from './reconciliation-report-service.ts';

export function reconciliationRoutes(deps: { reconciliation: ReconciliationService; logger: Logger }): Router {
  const router = Router();
  router.get('/reconciliation', async (req, res) => {
    const query = parseOrThrow(reconciliationQuery, req.query);
    const report = await deps.reconciliation.report(query.from, query.to);
    if (query.format === 'json') return void res.json(report);
    const csv = { columns: RECONCILIATION_COLUMNS, records: Readable.from(reconciliationRecords(report)) };
    sendCsv(res, `reconciliation-${stamp(query.from)}-${stamp(query.to)}.csv`, csv, req.log ?? deps.logger);
  });
  return router;
}
