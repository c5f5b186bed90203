// Staff's reads of payments and monthly donors, for the dashboard: a search by email, name or
// Stripe id with paging, one payment in full with the refunds asked for it, and the monthly
// donors by state. Runs on the admin pool, never on the donors' one.
import type pg from 'pg';
import type { RefundRef } from './refund-gateway.ts';

export interface PaymentRow {
  id: string;
  campaign: string;
  paidAt: Date | null;
  createdAt: Date;
  name: string | null;
  email: string;
  anonymous: boolean;
  frequency: string;
  currency: string;
  amount: number;
  coveredFee: number;
  fee: number | null;
  net: number | null;
  amountRefunded: number;
  disputeStatus: string;
  disputedAmount: number;
  status: string;
  flag: string | null;
  pledgeId: string;
  stripe: { paymentIntent: string | null; charge: string | null; invoice: string | null; balanceTransaction: string | null; payout: string | null; dispute: string | null; checkoutSession: string | null; subscription: string | null };
}

export interface RefundRequestRow {
  id: string;
  amount: number;
  currency: string;
  reason: string;
  requestedBy: string;
  status: string;
  /** Asked of Stripe without an answer yet: the refund may or may not exist. */
  open: boolean;
  error: string | null;
  stripeRefundId: string | null;
  createdAt: Date;
}

/** A request Stripe has not answered: it may or may not have made the refund. */
const OPEN = 'requested';

export type RefundOutcome = { refund: RefundRef } | { refused: boolean; error: string };

const SELECT_REFUND_REQUEST = `SELECT r.id::text, r.amount, r.currency, r.reason, k.label AS requested_by, r.status, r.error, r.stripe_refund_id, r.created_at
  FROM refund_requests r JOIN admin_keys k ON k.id = r.requested_by`;

const toRefundRequest = (r: Record<string, any>): RefundRequestRow => ({
  id: r.id, amount: r.amount, currency: r.currency, reason: r.reason, requestedBy: r.requested_by, status: r.status,
  open: r.status === OPEN, error: r.error, stripeRefundId: r.stripe_refund_id, createdAt: r.created_at,
});

export interface MonthlyDonorRow {
  pledgeId: string;
  campaign: string;
  name: string | null;
  email: string;
  currency: string;
  amount: number;
  subscriptionStatus: string | null;
  /** The pledge itself is cancelled (by the donor on the manage page, or Stripe's cancellation reached it). */
  cancelled: boolean;
  pausedAt: Date | null;
  cancelledAt: Date | null;
  /** donor, cancellation_requested (portal or Stripe's dashboard), payment_failed, payment_disputed. */
  cancelledBy: string | null;
  since: Date | null;
  payments: number;
}

const SELECT_PAYMENT = `
  SELECT p.id::text, c.slug AS campaign, p.paid_at, p.created_at, pl.name, pl.email, pl.anonymous, pl.frequency::text,
         p.currency, p.amount, p.covered_fee, p.fee, p.net, p.amount_refunded, p.dispute_status::text, p.disputed_amount,
         p.status::text, p.flag, pl.id::text AS pledge_id, p.stripe_payment_intent_id, p.stripe_charge_id, p.stripe_invoice_id,
         p.stripe_balance_transaction_id, p.stripe_payout_id, p.stripe_dispute_id, pl.checkout_session_id, pl.stripe_subscription_id
  FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id`;

function toPayment(r: Record<string, any>): PaymentRow {
  return {
    id: r.id, campaign: r.campaign, paidAt: r.paid_at, createdAt: r.created_at, name: r.name, email: r.email, anonymous: r.anonymous,
    frequency: r.frequency, currency: r.currency, amount: r.amount, coveredFee: r.covered_fee, fee: r.fee, net: r.net,
    amountRefunded: r.amount_refunded, disputeStatus: r.dispute_status, disputedAmount: r.disputed_amount, status: r.status,
    flag: r.flag, pledgeId: r.pledge_id,
    stripe: {
      paymentIntent: r.stripe_payment_intent_id, charge: r.stripe_charge_id, invoice: r.stripe_invoice_id,
      balanceTransaction: r.stripe_balance_transaction_id, payout: r.stripe_payout_id, dispute: r.stripe_dispute_id,
      checkoutSession: r.checkout_session_id, subscription: r.stripe_subscription_id,
    },
  };
}

/** LIKE's own wildcards in what staff typed are literal characters, not patterns. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function createPaymentQueryRepository(pool: pg.Pool) {
  return {
    /**
     * Newest first. A Stripe id (pi_, ch_, in_, cs_, txn_, po_, dp_, sub_) matches exactly;
     * anything else is a part of the donor's email or name, in any case.
     */
    async search(query: { q?: string; offset: number; limit: number }): Promise<PaymentRow[]> {
      const q = query.q?.trim() ?? '';
      const params: unknown[] = [query.limit + 1, query.offset];
      let where = '';
      if (/^(pi|ch|in|cs|txn|po|dp|sub)_[A-Za-z0-9_]+$/.test(q)) {
        params.push(q);
        where = `WHERE $3 IN (p.stripe_payment_intent_id, p.stripe_charge_id, p.stripe_invoice_id, p.stripe_balance_transaction_id,
          p.stripe_payout_id, p.stripe_dispute_id, pl.checkout_session_id, pl.stripe_subscription_id)`;
      } else if (q) {
        params.push(`%${likeLiteral(q)}%`);
        where = `WHERE pl.email ILIKE $3 OR pl.name ILIKE $3`;
      }
      const { rows } = await pool.query(`${SELECT_PAYMENT} ${where} ORDER BY p.created_at DESC, p.id DESC LIMIT $1 OFFSET $2`, params);
      return rows.map(toPayment);
    },

    async find(id: string): Promise<PaymentRow | null> {
      const { rows } = await pool.query(`${SELECT_PAYMENT} WHERE p.id = $1::uuid`, [id]);
      return rows[0] ? toPayment(rows[0]) : null;
    },

    async refundRequests(paymentId: string): Promise<RefundRequestRow[]> {
      const { rows } = await pool.query(`${SELECT_REFUND_REQUEST} WHERE r.payment_id = $1::uuid ORDER BY r.created_at DESC`, [paymentId]);
      return rows.map(toRefundRequest);
    },

    /** The payment's request that Stripe has not answered yet (at most one, by a unique index). */
    async openRefundRequest(paymentId: string): Promise<RefundRequestRow | null> {
      const { rows } = await pool.query(`${SELECT_REFUND_REQUEST} WHERE r.payment_id = $1::uuid AND r.status = '${OPEN}'`, [paymentId]);
      return rows[0] ? toRefundRequest(rows[0]) : null;
    },

    /** A new open request, or null when the payment already has one (another click got there first). */
    async recordRefundRequest(r: { paymentId: string; amount: number; currency: string; reason: string; requestedBy: string }): Promise<string | null> {
      const { rows } = await pool.query(
        `INSERT INTO refund_requests (payment_id, amount, currency, reason, requested_by, status) VALUES ($1::uuid, $2, $3, $4, $5::uuid, '${OPEN}')
         ON CONFLICT (payment_id) WHERE status = '${OPEN}' DO NOTHING RETURNING id::text`,
        [r.paymentId, r.amount, r.currency, r.reason, r.requestedBy],
      );
      return rows[0]?.id ?? null;
    },

    /**
     * Stripe's answer (the refund and its status), its refusal (nothing was made: the request is
     * closed), or no answer (the request stays open, so the next ask retries it with its key).
     */
    async settleRefundRequest(id: string, outcome: RefundOutcome): Promise<void> {
      if ('refund' in outcome) {
        await pool.query(`UPDATE refund_requests SET status = $2, stripe_refund_id = $3, error = NULL WHERE id = $1::uuid`, [id, outcome.refund.status, outcome.refund.id]);
      } else {
        await pool.query(`UPDATE refund_requests SET status = $2, error = $3 WHERE id = $1::uuid`, [id, outcome.refused ? 'refused' : OPEN, outcome.error.slice(0, 500)]);
      }
    },

    /** Every monthly pledge that reached Stripe, newest first, with its payments so far. */
    async monthlyDonors(limit = 200): Promise<MonthlyDonorRow[]> {
      const { rows } = await pool.query(
        `SELECT pl.id::text, c.slug AS campaign, pl.name, pl.email, pl.currency, pl.amount, pl.subscription_status, pl.completed_at,
                pl.status = 'cancelled' AS cancelled, pl.paused_at, pl.cancelled_at, pl.cancelled_by,
                (SELECT count(*) FROM payments p WHERE p.pledge_id = pl.id AND p.status = 'succeeded')::int AS payments
         FROM pledges pl JOIN campaigns c ON c.id = pl.campaign_id
         WHERE pl.frequency = 'monthly' AND pl.stripe_subscription_id IS NOT NULL
         ORDER BY pl.completed_at DESC NULLS LAST, pl.id DESC LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        pledgeId: r.id, campaign: r.campaign, name: r.name, email: r.email, currency: r.currency, amount: r.amount,
        subscriptionStatus: r.subscription_status, cancelled: r.cancelled, pausedAt: r.paused_at, cancelledAt: r.cancelled_at,
        cancelledBy: r.cancelled_by, since: r.completed_at, payments: r.payments,
      }));
    },
  };
}

export type PaymentQueryRepository = ReturnType<typeof createPaymentQueryRepository>;
