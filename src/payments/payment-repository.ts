// Payments persistence. Every write is a merge that only moves forward (a settled status beats
// pending, refunds only grow, a closed dispute beats an open one), so applying the same Stripe
// fact twice, or facts in any order, ends in the same row. The campaign totals follow by trigger.
import { Prisma } from '../generated/prisma/client.ts';
import { recomputeRefunded } from './refund-repository.ts';
import type { PaymentStatus as DbPaymentStatus } from '../generated/prisma/enums.ts';
import type { ChargeSettlement, DisputeStatus, PaymentRecord, PaymentStatus, PayoutContents, PayoutRecord } from './payment.ts';

// PAYMENT_STATUSES and the database's enum are one list: this fails to compile if either changes alone.
const sameStatuses: [PaymentStatus, DbPaymentStatus] extends [DbPaymentStatus, PaymentStatus] ? true : never = true;
void sameStatuses;

type Client = Prisma.TransactionClient;

export interface PaymentRef {
  paymentIntentId: string | null;
  chargeId: string | null;
}

export function createPaymentRepository(client: Client) {
  /** Matches a payment by payment intent, else by charge: both are unique. */
  const refWhere = (ref: PaymentRef) => Prisma.sql`(
    (${ref.paymentIntentId}::text IS NOT NULL AND stripe_payment_intent_id = ${ref.paymentIntentId})
    OR (${ref.chargeId}::text IS NOT NULL AND stripe_charge_id = ${ref.chargeId}))`;

  /** A settlement only fills what is unknown: a value once known is never overwritten. */
  const fill = (where: Prisma.Sql, s: ChargeSettlement) => client.$executeRaw`
    UPDATE payments SET
      fee = COALESCE(fee, ${s.fee}::int), net = COALESCE(net, ${s.net}::int),
      stripe_payment_intent_id = COALESCE(stripe_payment_intent_id, ${s.paymentIntentId}),
      stripe_charge_id = COALESCE(stripe_charge_id, ${s.chargeId}),
      stripe_balance_transaction_id = COALESCE(stripe_balance_transaction_id, ${s.balanceTransactionId}),
      updated_at = now()
    WHERE ${where}`;

  return {
    /**
     * Inserts the payment or merges it into the one already recorded for the same payment intent
     * (one-time gifts) or invoice (monthly gifts). Its settlement (fee, net, charge, balance
     * transaction) is filled afterwards, by fillSettlement*.
     */
    async upsert(p: PaymentRecord): Promise<void> {
      const conflict = p.invoiceId ? Prisma.sql`(stripe_invoice_id)` : Prisma.sql`(stripe_payment_intent_id)`;
      await client.$executeRaw`
        INSERT INTO payments AS p (pledge_id, campaign_id, status, currency, amount, covered_fee,
          stripe_payment_intent_id, stripe_invoice_id, flag, paid_at, updated_at)
        VALUES (${p.pledgeId}::uuid, ${p.campaignId}::uuid, ${p.status}::"PaymentStatus", ${p.currency}, ${p.amount},
          ${p.coveredFee}, ${p.paymentIntentId}, ${p.invoiceId}, ${p.flag}, ${p.paidAt}, now())
        ON CONFLICT ${conflict} DO UPDATE SET
          status = CASE
            WHEN p.status = 'succeeded' OR EXCLUDED.status = 'succeeded' THEN 'succeeded'::"PaymentStatus"
            WHEN p.status = 'failed' OR EXCLUDED.status = 'failed' THEN 'failed'::"PaymentStatus"
            ELSE 'pending'::"PaymentStatus" END,
          stripe_payment_intent_id = COALESCE(p.stripe_payment_intent_id, EXCLUDED.stripe_payment_intent_id),
          flag = COALESCE(p.flag, EXCLUDED.flag),
          paid_at = COALESCE(p.paid_at, EXCLUDED.paid_at),
          updated_at = now()`;
    },

    /**
     * `amountRefunded` is Stripe's cumulative figure on the charge: the largest one seen is kept, and
     * the refunded amount derived from it and the refunds known to have failed (refund-repository.ts).
     */
    async mergeRefund(ref: PaymentRef, amountRefunded: number): Promise<boolean> {
      const n = await client.$executeRaw`
        UPDATE payments SET
          charge_amount_refunded = GREATEST(charge_amount_refunded, LEAST(${amountRefunded}::int, amount)),
          stripe_charge_id = COALESCE(stripe_charge_id, ${ref.chargeId}),
          updated_at = now()
        WHERE ${refWhere(ref)}`;
      return n > 0 && recomputeRefunded(client, { paymentIntentId: ref.paymentIntentId, chargeId: ref.chargeId });
    },

    /** A closed dispute (won or lost) is final: a late `open` never reopens it. */
    async mergeDispute(ref: PaymentRef, dispute: { id: string; status: Exclude<DisputeStatus, 'none'>; amount: number }): Promise<boolean> {
      const n = await client.$executeRaw`
        UPDATE payments SET
          dispute_status = CASE
            WHEN dispute_status IN ('won', 'lost') AND ${dispute.status} = 'open' THEN dispute_status
            ELSE ${dispute.status}::"DisputeStatus" END,
          disputed_amount = LEAST(${dispute.amount}::int, amount),
          stripe_dispute_id = ${dispute.id},
          stripe_charge_id = COALESCE(stripe_charge_id, ${ref.chargeId}),
          updated_at = now()
        WHERE ${refWhere(ref)}`;
      return n > 0;
    },

    /** Fills what was unknown when the payment was recorded (Stripe unreachable then): recovery's path. */
    async fillSettlement(paymentId: string, settlement: ChargeSettlement): Promise<void> {
      await fill(Prisma.sql`id = ${paymentId}::uuid`, settlement);
    },

    /**
     * The same for many payments at once, each the payment of its settlement's payment intent (the
     * fee filler's path after webhooks): one statement for what a round of Stripe reads found. The
     * rows are locked in id order first, so two instances filling overlapping batches queue
     * instead of deadlocking; what another writer filled meanwhile is left as it is (COALESCE).
     */
    async fillSettlementsByPaymentIntent(settlements: ChargeSettlement[]): Promise<void> {
      if (!settlements.length) return;
      const column = <K extends keyof ChargeSettlement>(key: K) => settlements.map((s) => s[key]);
      await client.$executeRaw`
        WITH s AS (
          SELECT * FROM unnest(${column('paymentIntentId')}::text[], ${column('chargeId')}::text[],
            ${column('balanceTransactionId')}::text[], ${column('fee')}::int[], ${column('net')}::int[])
            AS s(payment_intent_id, charge_id, balance_transaction_id, fee, net)
        ), locked AS (
          SELECT p.id, s.* FROM payments p JOIN s ON p.stripe_payment_intent_id = s.payment_intent_id
          WHERE p.fee IS NULL ORDER BY p.id FOR UPDATE OF p
        )
        UPDATE payments p SET
          fee = COALESCE(p.fee, l.fee), net = COALESCE(p.net, l.net),
          stripe_charge_id = COALESCE(p.stripe_charge_id, l.charge_id),
          stripe_balance_transaction_id = COALESCE(p.stripe_balance_transaction_id, l.balance_transaction_id),
          updated_at = now()
        FROM locked l
        WHERE p.id = l.id AND p.fee IS NULL`;
    },

    /** Settled payments whose fee is still unknown, with what is needed to ask Stripe. */
    missingFees(limit: number) {
      return client.$queryRaw<Array<{ id: string; paymentIntentId: string | null; invoiceId: string | null }>>`
        SELECT id::text, stripe_payment_intent_id AS "paymentIntentId", stripe_invoice_id AS "invoiceId"
        FROM payments WHERE status = 'succeeded' AND fee IS NULL ORDER BY created_at LIMIT ${limit}`;
    },

    /**
     * Records the payout (its status forward only, its arrival date only later: banks delay, they
     * do not hurry) and marks the payments it carried; returns how many matched.
     */
    async markPaidOut(payout: PayoutRecord, contents: PayoutContents): Promise<number> {
      await client.$executeRaw`
        INSERT INTO payouts AS x (id, amount, currency, status, arrival_date, failure_code, failure_message, carried)
        VALUES (${payout.id}, ${payout.amount}, ${payout.currency}, ${payout.status}, ${payout.arrivalDate},
          ${payout.failureCode}, ${payout.failureMessage}, ${contents.carried})
        ON CONFLICT (id) DO UPDATE SET
          status = CASE WHEN payout_status_rank(EXCLUDED.status) > payout_status_rank(x.status) THEN EXCLUDED.status ELSE x.status END,
          arrival_date = GREATEST(x.arrival_date, EXCLUDED.arrival_date),
          failure_code = COALESCE(x.failure_code, EXCLUDED.failure_code),
          failure_message = COALESCE(x.failure_message, EXCLUDED.failure_message),
          carried = GREATEST(x.carried, EXCLUDED.carried)`;
      await client.$executeRaw`
        INSERT INTO payout_items (balance_transaction_id, payout_id, charge_id, payment_intent_id)
        SELECT bt, ${payout.id}, ch, pi FROM unnest(
          ${contents.items.map((i) => i.balanceTransactionId)}::text[], ${contents.items.map((i) => i.chargeId)}::text[],
          ${contents.items.map((i) => i.paymentIntentId)}::text[]) AS t(bt, ch, pi)
        ON CONFLICT (balance_transaction_id) DO NOTHING`;
      // The arrival date as recorded (the latest), not this event's: events come in any order.
      return client.$executeRaw`
        UPDATE payments SET stripe_payout_id = po.id, payout_arrival_date = po.arrival_date, updated_at = now()
        FROM payouts po
        WHERE po.id = ${payout.id} AND (stripe_charge_id = ANY(${contents.chargeIds}::text[])
           OR stripe_payment_intent_id = ANY(${contents.paymentIntentIds}::text[])
           OR stripe_balance_transaction_id = ANY(${contents.balanceTransactionIds}::text[]))`;
    },
  };
}

export type PaymentRepository = ReturnType<typeof createPaymentRepository>;
