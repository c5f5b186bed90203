// What finance may ask for: the CSV exports and the Stripe-versus-database report. The routes
// validate with these and the OpenAPI document is generated from them.
import { z } from 'zod';
import { campaignSlug, pledgeStatus } from '../pledges/pledge-schemas.ts';
import { inOrder, instant, orderMessage, window } from '../listing.ts';
import { PAYMENT_STATUSES } from './payment.ts';

const paymentStatus = z.enum(PAYMENT_STATUSES, 'must be pending, succeeded or failed');

/** `excel`: the same CSV after a UTF-8 byte order mark, so Excel reads "Seán" as UTF-8. */
const csvFormat = z.enum(['csv', 'excel'], 'must be csv or excel').optional();
export type CsvFormat = NonNullable<z.infer<typeof csvFormat>>;

export const pledgeExportQuery = z
  .strictObject({ campaign: campaignSlug.optional(), status: pledgeStatus.optional(), ...window, format: csvFormat })
  .refine(inOrder, orderMessage);

export const paymentExportQuery = z
  .strictObject({ campaign: campaignSlug.optional(), status: paymentStatus.optional(), ...window, format: csvFormat })
  .refine(inOrder, orderMessage);

export const payoutExportQuery = z
  .strictObject({
    campaign: campaignSlug.optional(),
    status: z.string().max(32).regex(/^[a-z_]+$/, 'must be a payout status such as paid').optional(),
    ...window,
    format: csvFormat,
  })
  .refine(inOrder, orderMessage);

export const matchExportQuery = z
  .strictObject({
    campaign: campaignSlug.optional(),
    status: z.enum(['active', 'reversed'], 'must be active or reversed').optional(),
    ...window,
    format: csvFormat,
  })
  .refine(inOrder, orderMessage);

export const reconciliationQuery = z
  .strictObject({
    from: instant,
    to: instant,
    format: z.enum(['json', 'csv'], 'must be json or csv').optional().default('json'),
  })
  .refine(inOrder, orderMessage)
  .refine((o) => o.to.getTime() - o.from.getTime() <= 92 * 86_400_000, { message: 'the window may span at most 92 days', path: ['to'] });

export type PledgeExportQuery = z.infer<typeof pledgeExportQuery>;
export type PaymentExportQuery = z.infer<typeof paymentExportQuery>;
export type PayoutExportQuery = z.infer<typeof payoutExportQuery>;
