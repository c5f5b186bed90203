// /api/admin/offline-gifts and /api/admin/exports/offline.csv: HTTP only; the rules live in
// offline-gift-service.ts. Who did it is the admin key the request came with (its label is kept).
import { stringify } from 'csv-stringify/sync';
import express, { Router, type Request } from 'express';
import { AppError } from '../http/app-error.ts';
import { parseOrThrow } from '../http/validation.ts';
import { isoUtc, money, neutralise } from '../payments/csv.ts';
import { csvHeaders, stamp } from '../payments/export-routes.ts';
import { offlineReference, type OfflineGift, type Staff } from './offline-gift.ts';
import { MAX_IMPORT_BYTES } from './offline-gift-import.ts';
import {
  offlineExportQuery, offlineGiftListQuery, offlineGiftParams, offlineIdempotencyHeader, offlineImportQuery,
  recordOfflineGiftSchema, voidOfflineGiftSchema,
} from './offline-gift-schemas.ts';
import { offlineGiftView, type OfflineGiftService } from './offline-gift-service.ts';

export const OFFLINE_IMPORT_TYPES = ['text/csv', 'text/plain'];

const staffOf = (req: Request): Staff => {
  if (!req.admin) throw new AppError(401, 'unauthorized', 'A valid admin key is required (Authorization: Bearer <key>)');
  return req.admin;
};

export function offlineGiftRoutes(deps: { offlineGifts: OfflineGiftService }): Router {
  const router = Router();
  const service = deps.offlineGifts;
  const csvBody = express.text({ type: OFFLINE_IMPORT_TYPES, limit: MAX_IMPORT_BYTES });

  router.post('/offline-gifts', async (req, res) => {
    if (!req.is('application/json')) throw new AppError(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json)');
    const { 'Idempotency-Key': key } = parseOrThrow(offlineIdempotencyHeader, { 'Idempotency-Key': req.get('Idempotency-Key') });
    const input = parseOrThrow(recordOfflineGiftSchema, req.body ?? {});
    const { gift, replayed } = await service.record(input, staffOf(req), key ? `api:${key}` : null);
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.status(replayed ? 200 : 201).json(offlineGiftView(gift));
  });

  router.get('/offline-gifts', async (req, res) => {
    const page = await service.list(parseOrThrow(offlineGiftListQuery, req.query));
    res.json({ ...page, data: page.data.map(offlineGiftView) });
  });

  router.get('/offline-gifts/:id', async (req, res) => {
    const { id } = parseOrThrow(offlineGiftParams, req.params);
    res.json(offlineGiftView(await service.find(id)));
  });

  router.post('/offline-gifts/:id/void', async (req, res) => {
    const { id } = parseOrThrow(offlineGiftParams, req.params);
    const { reason } = parseOrThrow(voidOfflineGiftSchema, req.body ?? {});
    res.json(offlineGiftView(await service.void(id, reason, staffOf(req))));
  });

  router.post('/offline-gifts/import', csvBody, async (req, res) => {
    const { dryRun } = parseOrThrow(offlineImportQuery, req.query);
    if (typeof req.body !== 'string') throw new AppError(415, 'unsupported_media_type', 'Send the file as Content-Type: text/csv');
    res.json(await service.import(req.body, staffOf(req), { dryRun }));
  });

  return router;
}

export const OFFLINE_COLUMNS = [
  'gift_id', 'receipt_reference', 'campaign', 'received_on', 'method', 'reference', 'donor_name', 'email', 'currency', 'amount',
  'status', 'entered_by', 'entered_at', 'voided_by', 'voided_at', 'void_reason',
];

function offlineRecord(g: OfflineGift): Record<string, string> {
  return {
    gift_id: g.id, receipt_reference: offlineReference(g.id), campaign: neutralise(g.campaign), received_on: g.receivedOn,
    method: g.method, reference: neutralise(g.reference), donor_name: neutralise(g.donorName), email: neutralise(g.email),
    currency: g.currency, amount: money(g.amount, g.currency), status: g.voidedAt ? 'voided' : 'recorded',
    entered_by: neutralise(g.enteredBy), entered_at: isoUtc(g.createdAt), voided_by: neutralise(g.voidedBy),
    voided_at: isoUtc(g.voidedAt), void_reason: neutralise(g.voidReason),
  };
}

/** offline.csv: one row per offline gift (voided ones too, marked), by the day received. */
export function offlineExportRoutes(deps: { offlineGifts: OfflineGiftService }, now: () => Date): Router {
  const router = Router();
  router.get('/exports/offline.csv', async (req, res) => {
    const { format, ...filter } = parseOrThrow(offlineExportQuery, req.query);
    const gifts = await deps.offlineGifts.forExport(filter);
    // Hundreds of rows a year, not millions: written in one piece (Excel's byte order mark first when asked).
    csvHeaders(res, `offline-${stamp(now())}.csv`);
    res.send(`${format === 'excel' ? '\uFEFF' : ''}${stringify(gifts.map(offlineRecord), { header: true, columns: OFFLINE_COLUMNS })}`);
  });
  return router;
}
