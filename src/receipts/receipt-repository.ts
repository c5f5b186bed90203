// What a receipt or a refund notice says, read in the transaction that recorded the payment.
import type { Prisma } from '../generated/prisma/client.ts';

export interface PaymentForNotice {
  paymentId: string;
  status: 'pending' | 'succeeded' | 'failed';
  flag: string | null;
  amount: number;
  coveredFee: number;
  currency: string;
  amountRefunded: number;
  paidAt: Date | null;
  pledgeId: string;
  email: string;
  name: string | null;
  frequency: 'once' | 'monthly';
  subscriptionStatus: string | null;
  subscriptionStatusAt: Date | null;
  campaignTitle: string;
}

export interface NoticeRef {
  paymentIntentId?: string | null;
  invoiceId?: string | null;
  chargeId?: string | null;
}

export async function findPaymentForNotice(client: Prisma.TransactionClient, ref: NoticeRef): Promise<PaymentForNotice | null> {
  const pi = ref.paymentIntentId ?? null;
  const invoice = ref.invoiceId ?? null;
  const charge = ref.chargeId ?? null;
  const rows = await client.$queryRaw<PaymentForNotice[]>`
    SELECT p.id::text AS "paymentId", p.status::text AS status, p.flag, p.amount, p.covered_fee AS "coveredFee", p.currency,
      p.amount_refunded AS "amountRefunded", p.paid_at AS "paidAt", pl.id::text AS "pledgeId", pl.email, pl.name,
      pl.frequency::text AS frequency, pl.subscription_status AS "subscriptionStatus",
      pl.subscription_status_at AS "subscriptionStatusAt", c.title AS "campaignTitle"
    FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id
    WHERE (${invoice}::text IS NOT NULL AND p.stripe_invoice_id = ${invoice})
       OR (${invoice}::text IS NULL AND ${pi}::text IS NOT NULL AND p.stripe_payment_intent_id = ${pi})
       OR (${invoice}::text IS NULL AND ${charge}::text IS NOT NULL AND p.stripe_charge_id = ${charge})
    LIMIT 1`;
  return rows[0] ?? null;
}
