// Refunds persistence. Each refund is merged by its Stripe id, its status moving forward only
// (refund_status_rank in the migrations); a payment's amount_refunded is then derived from what
// is known, so that refund events and charge.refunded applied in any order end in the same row.
import { Prisma } from '../generated/prisma/client.ts';
import type { PaymentRef } from './payment-repository.ts';
import type { RefundFacts } from './refunds.ts';

type Client = Prisma.TransactionClient;

const refundsOf = (status: Prisma.Sql) => Prisma.sql`COALESCE((
  SELECT sum(r.amount) FROM refunds r
  WHERE (r.stripe_charge_id = p.stripe_charge_id OR r.stripe_payment_intent_id = p.stripe_payment_intent_id) AND ${status}), 0)`;

/**
 * What the payment `p` has refunded: the refunds known not to have failed, or what Stripe last
 * said on the charge less the refunds known to have failed since, whichever is larger. The first
 * is exact once every refund's event has come; the second covers refunds whose own event has not
 * come yet (Stripe counts a pending refund in the charge's amount_refunded, and takes a failed
 * one back off).
 */
const REFUNDED = Prisma.sql`LEAST(p.amount, GREATEST(
  ${refundsOf(Prisma.sql`r.status NOT IN ('failed', 'canceled')`)},
  p.charge_amount_refunded - ${refundsOf(Prisma.sql`r.status IN ('failed', 'canceled')`)}))`;

/** Brings the payment's amount_refunded up to date; false when no payment matches (not recorded yet). */
export async function recomputeRefunded(client: Client, ref: PaymentRef): Promise<boolean> {
  const n = await client.$executeRaw`
    UPDATE payments AS p SET amount_refunded = ${REFUNDED}, updated_at = now()
    WHERE (${ref.paymentIntentId}::text IS NOT NULL AND p.stripe_payment_intent_id = ${ref.paymentIntentId})
       OR (${ref.chargeId}::text IS NOT NULL AND p.stripe_charge_id = ${ref.chargeId})`;
  return n > 0;
}

export function createRefundRepository(client: Client) {
  return {
    /** Merges the refund and answers its status as now stored (a late, older event does not move it back). */
    async merge(r: RefundFacts): Promise<string> {
      const rows = await client.$queryRaw<Array<{ status: string }>>`
        INSERT INTO refunds AS x (id, stripe_charge_id, stripe_payment_intent_id, amount, currency, status, failure_reason, stripe_created_at)
        VALUES (${r.id}, ${r.chargeId}, ${r.paymentIntentId}, ${r.amount}, ${r.currency}, ${r.status}, ${r.failureReason}, ${r.createdAt})
        ON CONFLICT (id) DO UPDATE SET
          status = CASE WHEN refund_status_rank(EXCLUDED.status) > refund_status_rank(x.status) THEN EXCLUDED.status ELSE x.status END,
          failure_reason = COALESCE(x.failure_reason, EXCLUDED.failure_reason),
          stripe_charge_id = COALESCE(x.stripe_charge_id, EXCLUDED.stripe_charge_id),
          stripe_payment_intent_id = COALESCE(x.stripe_payment_intent_id, EXCLUDED.stripe_payment_intent_id),
          updated_at = now()
        RETURNING x.status`;
      return rows[0]!.status;
    },
    recomputeRefunded: (ref: PaymentRef) => recomputeRefunded(client, ref),
  };
}

export type RefundRepository = ReturnType<typeof createRefundRepository>;
