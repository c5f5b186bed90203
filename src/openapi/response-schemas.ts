// What the API answers, as zod schemas, for the OpenAPI document (requests are described by the
// very schemas that validate them; answers whose type is not yet inferred from a schema are
// described here).
import { z } from 'zod';
import { campaignViewSchema } from '../campaigns/campaign-views.ts';

const money = z.number().int().describe('integer minor units of the currency (cents for usd)');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({
      field: z.string().optional(),
      message: z.string(),
      line: z.number().int().optional().describe('for a CSV import: the line of the file (the header is line 1)'),
    })).optional(),
  }),
});

// A campaign and its progress are defined once, beside the service that builds them.
export { campaignViewSchema as campaignView, progressSchema as progress } from '../campaigns/campaign-views.ts';
export const campaignList = z.object({ data: z.array(campaignViewSchema) });

const pledgeStatus = z.enum(['pending', 'completed', 'failed', 'expired', 'cancelled']);

export const adminPledge = z.object({
  id: z.uuid(),
  campaign: z.string(),
  status: pledgeStatus,
  amount: money,
  coveredFee: money,
  currency: z.string(),
  frequency: z.enum(['once', 'monthly']),
  email: z.string(),
  name: z.string().nullable(),
  anonymous: z.boolean(),
  message: z.string().nullable(),
  dedication: z.string().nullable(),
  checkoutSessionId: z.string().nullable(),
  stripeSubscriptionId: z.string().nullable(),
  subscriptionStatus: z.string().nullable(),
  createdAt: instant,
  completedAt: instant.nullable(),
});

export const adminPledgePage = z.object({
  data: z.array(adminPledge),
  nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last page'),
});

export const webhookEvent = z.object({
  id: z.string(),
  type: z.string(),
  status: z.enum(['received', 'processed', 'ignored', 'failed', 'deferred']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  source: z.string(),
  objectId: z.string().nullable(),
  waitingFor: z.string().nullable(),
  stripeCreatedAt: instant,
  receivedAt: instant,
  processedAt: instant.nullable(),
});

export const webhookEventPage = z.object({ data: z.array(webhookEvent), nextCursor: z.string().nullable() });

export const replayResult = z.object({ id: z.string(), result: z.object({ status: z.string() }).loose() });

const disputeState = z.enum(['none', 'open', 'won', 'lost']);

export const reconciliationReport = z.object({
  from: instant,
  to: instant,
  generatedAt: instant,
  stripe: z.object({ charges: z.number().int(), balanceTransactions: z.number().int() }),
  database: z.object({ payments: z.number().int() }),
  summary: z.record(z.string(), z.number().int()).describe('number of differences of each kind'),
  totals: z.array(
    z.object({
      currency: z.string(),
      stripe: z.object({ charges: z.number().int(), gross: money, refunded: money, fee: money, net: money }),
      database: z.object({ payments: z.number().int(), gross: money, refunded: money, fee: money, net: money }),
    }),
  ),
  differences: z.array(
    z.object({
      kind: z.enum([
        'missing_in_database', 'missing_in_stripe', 'status_mismatch', 'amount_mismatch', 'refund_mismatch',
        'dispute_mismatch', 'fee_mismatch', 'fee_unknown',
      ]),
      message: z.string(),
      currency: z.string(),
      stripe: z
        .object({
          chargeId: z.string(), paymentIntentId: z.string().nullable(), balanceTransactionId: z.string().nullable(),
          disputeId: z.string().nullable(), status: z.string(), amount: money, amountRefunded: money,
          fee: money.nullable(), net: money.nullable(), disputeStatus: disputeState,
        })
        .nullable(),
      database: z
        .object({
          paymentId: z.uuid(), pledgeId: z.uuid(), chargeId: z.string().nullable(), paymentIntentId: z.string().nullable(),
          invoiceId: z.string().nullable(), balanceTransactionId: z.string().nullable(), status: z.string(),
          amount: money, amountRefunded: money, fee: money.nullable(), net: money.nullable(), disputeStatus: disputeState,
        })
        .nullable(),
    }),
  ),
});

export const reconcileSummary = z.object({}).loose().describe("the reconcile run's summary (events, sessions, fees, inbox counts)");

export const health = z.object({ status: z.string() }).loose();

export const webhookAck = z.object({
  received: z.literal(true),
  status: z.enum(['processed', 'ignored', 'deferred', 'duplicate', 'failed']),
});

export { offlineGiftPage, offlineGiftView as offlineGift, offlineImportResult } from '../offline-gifts/offline-gift-schemas.ts';
