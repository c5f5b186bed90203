// What staff may send about offline gifts, in one place: the admin API validates with these and
// the OpenAPI document is generated from them (the answers' shapes are here too).
import { z } from 'zod';
import { cursorField, inOrder, orderMessage, pageLimit, UUID_PATTERN, window } from '../listing.ts';
import { campaignSlug, currencyCode, email, idempotencyKeySchema, text } from '../pledges/pledge-schemas.ts';
import { OFFLINE_METHODS } from './offline-gift.ts';

/** The largest offline gift in minor units ($10,000,000.00): a column of int, and a typo's guard. */
export const MAX_OFFLINE_AMOUNT = 1_000_000_000;

export const offlineMethod = z.enum(OFFLINE_METHODS, 'must be check, bank_transfer or cash');

const optionalText = (max: number) => text(max).optional().nullable().transform((s) => (s ? s : null));

export const receivedOn = z.iso.date('must be a date like 2026-12-01');

export const recordOfflineGiftSchema = z.strictObject({
  campaign: campaignSlug,
  amount: z
    .number('must be a number')
    .int('must be a whole number of minor units (cents)')
    .min(1, 'must be at least 1')
    .max(MAX_OFFLINE_AMOUNT, `must be at most ${MAX_OFFLINE_AMOUNT}`)
    .describe('integer minor units of the campaign currency'),
  currency: currencyCode.describe("the campaign's currency"),
  receivedOn: receivedOn.describe('the day the money was received (not in the future)'),
  method: offlineMethod,
  reference: optionalText(100).describe('check number, bank reference...'),
  name: optionalText(100).describe("the donor's name"),
  email: email.optional().nullable().transform((s) => s || null).describe('gets a receipt when given'),
});
export type RecordOfflineGift = z.infer<typeof recordOfflineGiftSchema>;

export const voidOfflineGiftSchema = z.strictObject({
  reason: text(500).refine((s) => s.length > 0, 'say why the entry is wrong: it is kept with the gift'),
});

export const offlineGiftParams = z.object({ id: z.string().regex(UUID_PATTERN, 'must be an offline gift id') });

export const offlineGiftListQuery = z.strictObject({
  campaign: campaignSlug.optional(),
  limit: pageLimit.optional().default(50),
  cursor: cursorField.optional(),
});

export const offlineImportQuery = z.strictObject({
  dryRun: z.enum(['true', 'false'], 'must be true or false').optional().default('false').transform((v) => v === 'true'),
});

export const offlineExportQuery = z
  .strictObject({ campaign: campaignSlug.optional(), ...window, format: z.enum(['csv', 'excel']).optional() })
  .refine(inOrder, orderMessage);

export const offlineIdempotencyHeader = z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() });

// ---- answers ------------------------------------------------------------------------------------

const instant = z.string().describe('ISO 8601 date-time, UTC');

export const offlineGiftView = z.object({
  id: z.uuid(),
  receiptReference: z.string().describe('OFF- and the first 8 hex digits of the id: on the receipt'),
  campaign: z.string(),
  amount: z.number().int().describe('integer minor units'),
  currency: z.string(),
  receivedOn: z.string().describe('YYYY-MM-DD'),
  method: offlineMethod,
  reference: z.string().nullable().describe('the reference entered (check number...)'),
  name: z.string().nullable(),
  email: z.string().nullable(),
  enteredBy: z.string().describe("the admin key's label"),
  createdAt: instant,
  voided: z.boolean(),
  voidedAt: instant.nullable(),
  voidedBy: z.string().nullable(),
  voidReason: z.string().nullable(),
});

export const offlineGiftPage = z.object({ data: z.array(offlineGiftView), nextCursor: z.string().nullable() });

const lineList = z.array(z.number().int()).describe('line numbers in the file (the header is line 1)');

export const offlineImportResult = z.object({
  dryRun: z.boolean(),
  rows: z.number().int().describe('data rows in the file'),
  imported: lineList.describe('rows written (dry run: rows that would be written)'),
  alreadyImported: lineList.describe('rows skipped: the same row was imported before'),
  totals: z.array(z.object({ campaign: z.string(), currency: z.string(), gifts: z.number().int(), amount: z.number().int() }))
    .describe('what the written (or, dry run, to-be-written) rows add, per campaign'),
});
