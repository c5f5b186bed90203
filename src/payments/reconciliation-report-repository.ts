// The database side of the reconciliation report.
import type { Database } from '../db/client.ts';
import type { LedgerPayment } from './reconciliation-report.ts';

const SELECT = `
  SELECT id::text, pledge_id::text AS "pledgeId", status::text, currency, amount, fee, net,
    amount_refunded AS "amountRefunded", dispute_status::text AS "disputeStatus", disputed_amount AS "disputedAmount",
    stripe_charge_id AS "chargeId", stripe_payment_intent_id AS "paymentIntentId", stripe_invoice_id AS "invoiceId",
    stripe_balance_transaction_id AS "balanceTransactionId", paid_at AS "paidAt"
  FROM payments`;

export function createReconciliationRepository({ pool }: Pick<Database, 'pool'>) {
  return {
    /** Payments the database says were paid in [from, to). */
    async paidBetween(from: Date, to: Date): Promise<LedgerPayment[]> {
      const { rows } = await pool.query<LedgerPayment>(`${SELECT} WHERE paid_at >= $1 AND paid_at < $2 ORDER BY paid_at, id`, [from, to]);
      return rows;
    },

    /** Payments recorded for any of these charges or payment intents, whenever they were paid. */
    async byStripeIds(chargeIds: string[], paymentIntentIds: string[]): Promise<LedgerPayment[]> {
      if (chargeIds.length === 0 && paymentIntentIds.length === 0) return [];
      const { rows } = await pool.query<LedgerPayment>(
        `${SELECT} WHERE stripe_charge_id = ANY($1::text[]) OR stripe_payment_intent_id = ANY($2::text[])`,
        [chargeIds, paymentIntentIds],
      );
      return rows;
    },
  };
}

export type ReconciliationRepository = ReturnType<typeof createReconciliationRepository>;
