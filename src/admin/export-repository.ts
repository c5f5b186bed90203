// The exports' queries, streamed: a server-side cursor (pg-query-stream) on a client of its own
// from the pool, read a batch at a time as the HTTP response drains, so a million rows cost the
// memory of one batch. The client goes back to the pool when the stream ends, and is discarded
// when it is cut short (a client that went away): a connection with a half-read portal is not
// worth reusing.
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import type { Readable } from 'node:stream';
import type { Database } from '../db/client.ts';

export interface ExportFilter {
  campaign?: string;
  status?: string;
  from?: Date;
  to?: Date;
}

export interface PaymentExportRow {
  id: string;
  pledge_id: string;
  campaign: string;
  paid_at: Date | null;
  name: string | null;
  email: string;
  anonymous: boolean;
  frequency: string;
  currency: string;
  amount: number;
  fee: number | null;
  net: number | null;
  amount_refunded: number;
  dispute_status: string;
  checkout_session_id: string | null;
  payment_intent_id: string | null;
  charge_id: string | null;
  invoice_id: string | null;
  balance_transaction_id: string | null;
  payout_id: string | null;
  payout_arrival_date: Date | null;
  status: string;
  flag: string | null;
}

export interface PledgeExportRow {
  id: string;
  campaign: string;
  created_at: Date;
  completed_at: Date | null;
  status: string;
  frequency: string;
  currency: string;
  amount: number;
  covered_fee: number;
  cover_fees: boolean;
  name: string | null;
  email: string;
  anonymous: boolean;
  message: string | null;
  dedication: string | null;
  checkout_session_id: string | null;
  subscription_id: string | null;
  subscription_status: string | null;
}

export interface PayoutExportRow {
  id: string;
  status: string;
  arrival_date: Date;
  currency: string;
  amount: number;
  payments: number;
  gross: string;
  fee: string;
  net: string;
  refunded: string;
  unknown_fees: number;
}

// Rows fetched per round trip: large enough to keep the database busy, small enough that a
// stalled reader holds little memory.
const BATCH_SIZE = 500;

/** Builds `WHERE a AND b` with numbered parameters. */
class Where {
  readonly values: unknown[] = [];
  private readonly parts: string[] = [];
  add(sql: (p: string) => string, value: unknown): this {
    if (value === undefined) return this;
    this.values.push(value);
    this.parts.push(sql(`$${this.values.length}`));
    return this;
  }
  toString(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

async function streamRows<T>(pool: pg.Pool, text: string, values: unknown[]): Promise<Readable & AsyncIterable<T>> {
  const client = await pool.connect();
  let stream: QueryStream;
  try {
    stream = client.query(new QueryStream(text, values, { batchSize: BATCH_SIZE }));
  } catch (error) {
    client.release(true);
    throw error;
  }
  let ended = false;
  stream.once('end', () => {
    ended = true;
  });
  stream.once('close', () => client.release(ended ? undefined : true));
  return stream as Readable & AsyncIterable<T>;
}

export function createExportRepository({ pool }: Pick<Database, 'pool'>) {
  return {
    payments(f: ExportFilter): Promise<Readable> {
      const where = new Where()
        .add((p) => `c.slug = ${p}`, f.campaign)
        .add((p) => `p.status = ${p}::"PaymentStatus"`, f.status)
        .add((p) => `p.paid_at >= ${p}`, f.from)
        .add((p) => `p.paid_at < ${p}`, f.to);
      return streamRows<PaymentExportRow>(pool, `/* admin-export:payments */
        SELECT p.id::text, p.pledge_id::text, c.slug AS campaign, p.paid_at, pl.name, pl.email, pl.anonymous,
          pl.frequency::text, p.currency, p.amount, p.fee, p.net, p.amount_refunded, p.dispute_status::text,
          pl.checkout_session_id, p.stripe_payment_intent_id AS payment_intent_id, p.stripe_charge_id AS charge_id,
          p.stripe_invoice_id AS invoice_id, p.stripe_balance_transaction_id AS balance_transaction_id,
          p.stripe_payout_id AS payout_id, p.payout_arrival_date, p.status::text, p.flag
        FROM payments p
        JOIN pledges pl ON pl.id = p.pledge_id
        JOIN campaigns c ON c.id = p.campaign_id
        ${where}
        ORDER BY p.paid_at NULLS LAST, p.id`, where.values);
    },

    pledges(f: ExportFilter): Promise<Readable> {
      const where = new Where()
        .add((p) => `c.slug = ${p}`, f.campaign)
        .add((p) => `pl.status = ${p}::"PledgeStatus"`, f.status)
        .add((p) => `pl.created_at >= ${p}`, f.from)
        .add((p) => `pl.created_at < ${p}`, f.to);
      return streamRows<PledgeExportRow>(pool, `/* admin-export:pledges */
        SELECT pl.id::text, c.slug AS campaign, pl.created_at, pl.completed_at, pl.status::text, pl.frequency::text,
          pl.currency, pl.amount, pl.covered_fee, pl.cover_fees, pl.name, pl.email, pl.anonymous, pl.message,
          pl.dedication, pl.checkout_session_id, pl.stripe_subscription_id AS subscription_id, pl.subscription_status
        FROM pledges pl
        JOIN campaigns c ON c.id = pl.campaign_id
        ${where}
        ORDER BY pl.created_at, pl.id`, where.values);
    },

    /** One row per payout with the sums of the payments it carried (sums as text: bigint). */
    payouts(f: ExportFilter): Promise<Readable> {
      const where = new Where()
        .add((p) => `EXISTS (SELECT 1 FROM payments x JOIN campaigns c ON c.id = x.campaign_id WHERE x.stripe_payout_id = po.id AND c.slug = ${p})`, f.campaign)
        .add((p) => `po.status = ${p}`, f.status)
        .add((p) => `po.arrival_date >= ${p}`, f.from)
        .add((p) => `po.arrival_date < ${p}`, f.to);
      return streamRows<PayoutExportRow>(pool, `/* admin-export:payouts */
        SELECT po.id, po.status, po.arrival_date, po.currency, po.amount,
          count(p.id)::int AS payments,
          COALESCE(sum(p.amount), 0)::text AS gross,
          COALESCE(sum(p.fee), 0)::text AS fee,
          COALESCE(sum(p.net), 0)::text AS net,
          COALESCE(sum(p.amount_refunded), 0)::text AS refunded,
          count(p.id) FILTER (WHERE p.fee IS NULL OR p.net IS NULL)::int AS unknown_fees
        FROM payouts po
        LEFT JOIN payments p ON p.stripe_payout_id = po.id
        ${where}
        GROUP BY po.id
        ORDER BY po.arrival_date, po.id`, where.values);
    },
  };
}

export type ExportRepository = ReturnType<typeof createExportRepository>;
