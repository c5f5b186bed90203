// The exports, streamed from `COPY (SELECT ...) TO STDOUT` on a client of its own from the pool,
// read through pg-copy-streams, without a JavaScript object per row. pledges, payouts and matches
// are written by PostgreSQL (FORMAT csv), every cell computed in SQL with the same rules as the
// TypeScript in csv.ts (format_minor, csv_text: see prisma/migrations/*_csv_functions).
// payments.csv, by far the largest, comes as raw values in COPY's text format and the app writes
// its cells with csv.ts itself (copy-csv.ts: PostgreSQL's formatting was the export's bottleneck).
// Either way the bytes are what csv-stringify wrote before. Backpressure: pg-copy-streams reads
// the socket only as the consumer drains, so a stalled download stalls the COPY in PostgreSQL and
// memory stays flat.
//
// COPY takes no bind parameters, so the filters are written into the SQL as literals, each one
// checked for its type here and quoted with pg's escapeLiteral (which also handles backslashes);
// raw input is never concatenated.
//
// The client is returned to the pool when the COPY ends, and discarded (release(true): its
// socket is destroyed, PostgreSQL's backend hits a closed connection and ends the query) when the
// stream is cut short or fails.
import { once } from 'node:events';
import { pipeline, type Readable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { SLUG_PATTERN } from '../campaigns/campaign.ts';
import type { Database } from '../db/client.ts';
import { PLEDGE_STATUSES } from '../pledges/pledge.ts';
import { PAYMENT_STATUSES } from './payment.ts';
import { cells, copyTextToCsv, type Cell } from './copy-csv.ts';
import { PAYMENT_COLUMNS } from './export-service.ts';

export interface ExportFilter {
  campaign?: string;
  status?: string;
  from?: Date;
  to?: Date;
}

// What the routes' schemas accept; checked again here because this is where SQL is written.
const PAYMENT_STATUS = new Set<string>(PAYMENT_STATUSES);
const PLEDGE_STATUS = new Set<string>(PLEDGE_STATUSES);
const PAYOUT_STATUS = /^[a-z_]{1,32}$/;

export class ExportFilterError extends Error {
  constructor(field: string) {
    super(`invalid export filter: ${field}`);
    this.name = 'ExportFilterError';
  }
}

function slugLiteral(value: string): string {
  if (typeof value !== 'string' || value.length > 64 || !SLUG_PATTERN.test(value)) throw new ExportFilterError('campaign');
  return pg.escapeLiteral(value);
}

function statusLiteral(value: string, allowed: (s: string) => boolean): string {
  if (typeof value !== 'string' || !allowed(value)) throw new ExportFilterError('status');
  return pg.escapeLiteral(value);
}

function instantLiteral(value: Date, field: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new ExportFilterError(field);
  return `${pg.escapeLiteral(value.toISOString())}::timestamptz`;
}

/** `WHERE a AND b` of conditions on already-quoted literals. */
const bySlug = (slug: string) => `c.slug = ${slug}`;
const payoutOfCampaign = (slug: string) =>
  `EXISTS (SELECT 1 FROM payments x JOIN campaigns c ON c.id = x.campaign_id WHERE x.stripe_payout_id = po.id AND c.slug = ${slug})`;
const statusIs = (column: string, enumType?: string) => (status: string) => `${column} = ${status}${enumType ? `::"${enumType}"` : ''}`;

/** An export's filter as SQL conditions, each value checked and quoted as a literal. */
function filterConditions(
  f: ExportFilter,
  on: { campaign: (slug: string) => string; status: (status: string) => string; allowed: Set<string> | RegExp; time: string },
): Array<string | false> {
  const allowed = (s: string) => (on.allowed instanceof RegExp ? on.allowed.test(s) : on.allowed.has(s));
  return [
    f.campaign !== undefined && on.campaign(slugLiteral(f.campaign)),
    f.status !== undefined && on.status(statusLiteral(f.status, allowed)),
    f.from !== undefined && `${on.time} >= ${instantLiteral(f.from, 'from')}`,
    f.to !== undefined && `${on.time} < ${instantLiteral(f.to, 'to')}`,
  ];
}

function where(conditions: Array<string | false | undefined>): string {
  const parts = conditions.filter((c): c is string => typeof c === 'string');
  return parts.length ? `WHERE ${parts.join(' AND ')}` : '';
}

// ISO 8601 UTC as Date.prototype.toISOString writes it (the columns are TIMESTAMPTZ(3)).
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const day = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
// Booleans as true/false (COPY would write t/f).
const bool = (column: string) => `CASE WHEN ${column} THEN 'true' ELSE 'false' END`;
// Every text cell goes through csv_text: formula-neutralised, and NULL for empty so COPY writes an
// empty unquoted cell. Not uuids, PostgreSQL enums, campaign slugs and payment or pledge currencies:
// their text can neither be empty nor start with = + - @ tab or CR (hex digits; the schema's
// lower-case labels; CHECK constraints campaigns_slug_format, payments_currency_format and
// pledges_currency_format), so csv_text would be a no-op costing a function per cell per row.
const text = (expr: string) => `csv_text(${expr})`;
const plain = (expr: string) => expr;
const money = (amount: string, currency: string) => `format_minor(${amount}, ${currency})`;

// payments.csv: raw values in COPY's text format, written as CSV by the app (copy-csv.ts says why).
const PAYMENT_CELLS: Cell[] = [
  cells.plain, cells.plain, cells.plain, cells.instant, cells.text, cells.text, cells.bool, cells.plain, cells.plain,
  cells.money(8), cells.money(8), cells.money(8), cells.money(8), cells.plain, cells.text, cells.text,
  cells.text, cells.text, cells.text, cells.text, cells.day, cells.plain, cells.text,
];

export function paymentsCopySql(f: ExportFilter): string {
  return `/* admin-export:payments */ COPY (
    SELECT p.id, p.pledge_id, c.slug, p.paid_at, pl.name, pl.email, pl.anonymous, pl.frequency, p.currency,
      p.amount, p.fee, p.net, p.amount_refunded, p.dispute_status, pl.checkout_session_id, p.stripe_payment_intent_id,
      p.stripe_charge_id, p.stripe_invoice_id, p.stripe_balance_transaction_id, p.stripe_payout_id,
      p.payout_arrival_date, p.status, p.flag
    FROM payments p
    JOIN pledges pl ON pl.id = p.pledge_id
    JOIN campaigns c ON c.id = p.campaign_id
    ${where(filterConditions(f, { campaign: bySlug, status: statusIs('p.status', 'PaymentStatus'), allowed: PAYMENT_STATUS, time: 'p.paid_at' }))}
    ORDER BY p.paid_at NULLS LAST, p.id
  ) TO STDOUT`;
}

export function pledgesCopySql(f: ExportFilter): string {
  return `/* admin-export:pledges */ COPY (
    SELECT ${plain('pl.id::text')} AS pledge_id, ${plain('c.slug')} AS campaign, ${iso('pl.created_at')} AS created_at,
      ${iso('pl.completed_at')} AS completed_at, ${plain('pl.status::text')} AS status, ${plain('pl.frequency::text')} AS frequency,
      ${plain('pl.currency')} AS currency, ${money('pl.amount', 'pl.currency')} AS amount,
      ${money('pl.covered_fee', 'pl.currency')} AS covered_fee, ${bool('pl.cover_fees')} AS cover_fees,
      ${text('pl.name')} AS donor_name, ${text('pl.email')} AS email, ${bool('pl.anonymous')} AS anonymous,
      ${text('pl.message')} AS message, ${text('pl.dedication')} AS dedication,
      ${text('pl.checkout_session_id')} AS checkout_session_id, ${text('pl.stripe_subscription_id')} AS subscription_id,
      ${text('pl.subscription_status')} AS subscription_status
    FROM pledges pl
    JOIN campaigns c ON c.id = pl.campaign_id
    ${where(filterConditions(f, { campaign: bySlug, status: statusIs('pl.status', 'PledgeStatus'), allowed: PLEDGE_STATUS, time: 'pl.created_at' }))}
    ORDER BY pl.created_at, pl.id
  ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/**
 * One row per payout with the sums of the payments it carried beside Stripe's amount. With a fee
 * still unknown the net sum is incomplete: no difference rather than a wrong one. A payout that
 * failed or was cancelled keeps its payments and says why (failure_code); its money went out
 * again in a later payout, whose `carried` holds it, so that difference stays that of its own.
 */
export function payoutsCopySql(f: ExportFilter): string {
  return `/* admin-export:payouts */ COPY (
    SELECT ${text('s.id')} AS payout_id, ${text('s.status')} AS status, ${day('s.arrival_date')} AS arrival_date,
      ${text('s.currency')} AS currency, ${money('s.amount', 's.currency')} AS payout_amount, s.payments,
      ${money('s.gross', 's.currency')} AS gross, ${money('s.fee', 's.currency')} AS fee, ${money('s.net', 's.currency')} AS net,
      ${money('s.refunded', 's.currency')} AS refunded, s.unknown_fees AS payments_fee_unknown,
      CASE WHEN s.unknown_fees > 0 THEN NULL ELSE ${money('s.amount - s.net - s.carried', 's.currency')} END AS difference,
      ${money('s.carried', 's.currency')} AS carried, ${text('s.failure_code')} AS failure_code
    FROM (
      SELECT po.id, po.status, po.arrival_date, po.currency, po.amount, po.carried, po.failure_code,
        count(p.id)::int AS payments,
        COALESCE(sum(p.amount), 0) AS gross,
        COALESCE(sum(p.fee), 0) AS fee,
        COALESCE(sum(p.net), 0) AS net,
        COALESCE(sum(p.amount_refunded), 0) AS refunded,
        count(p.id) FILTER (WHERE p.fee IS NULL OR p.net IS NULL)::int AS unknown_fees
      FROM payouts po
      LEFT JOIN payments p ON p.stripe_payout_id = po.id
      ${where(filterConditions(f, { campaign: payoutOfCampaign, status: statusIs('po.status'), allowed: PAYOUT_STATUS, time: 'po.arrival_date' }))}
      GROUP BY po.id
    ) s
    ORDER BY s.arrival_date, s.id
  ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

const MATCH_STATUS = new Set(['active', 'reversed']);
const matchStatus = `CASE WHEN a.amount > 0 THEN 'active' ELSE 'reversed' END`;

/**
 * One row per match allocation (src/matching/), sorted by sponsor for invoicing them: the gift (a
 * Stripe payment, or an offline gift by its own reference), what the pool first gave and what it
 * gives now, `reversed` once refunds or a lost dispute gave it all back. A gift that found its pool
 * already used up (0 taken) is no allocation and is left out.
 */
export function matchesCopySql(f: ExportFilter): string {
  return `/* admin-export:matches */ COPY (
    SELECT ${text('mp.sponsor')} AS sponsor, ${plain('mp.id::text')} AS pool_id, ${text('c.slug')} AS campaign,
      ${text('a.source')} AS gift_source,
      ${text('COALESCE(p.stripe_invoice_id, p.stripe_payment_intent_id, a.source_id)')} AS gift_reference,
      ${plain('a.payment_id::text')} AS payment_id, ${text('a.donor_email')} AS donor_email, ${text('pl.name')} AS donor_name,
      ${text('a.currency')} AS currency, ${money('a.gift_amount', 'a.currency')} AS gift_amount, mp.multiplier,
      ${money('a.original', 'a.currency')} AS match_original, ${money('a.amount', 'a.currency')} AS match_amount,
      ${money('a.original - a.amount', 'a.currency')} AS match_reversed, ${matchStatus} AS status,
      ${iso('a.gift_at')} AS gift_at, ${iso('a.created_at')} AS matched_at, ${iso('a.reversed_at')} AS reversed_at
    FROM match_allocations a
    JOIN match_pools mp ON mp.id = a.pool_id
    JOIN campaigns c ON c.id = mp.campaign_id
    LEFT JOIN payments p ON p.id = a.payment_id
    LEFT JOIN pledges pl ON pl.id = p.pledge_id
    ${where([`a.original > 0`, ...filterConditions(f, { campaign: bySlug, status: (s) => `${matchStatus} = ${s}`, allowed: MATCH_STATUS, time: 'a.gift_at' })])}
    ORDER BY mp.sponsor, mp.id, a.gift_at, a.created_at, a.id
  ) TO STDOUT WITH (FORMAT csv, HEADER true)`;
}

/**
 * Session settings of an export's client, set before its COPY and reset before the client goes
 * back to the pool. JIT is off: its optimisation pass compiles the many cell expressions in the
 * leader and in each parallel worker before the first row, seconds that a streamed export never
 * wins back (measured: slower with it on). TimeZone and DateStyle make a raw timestamptz come as
 * the UTC text copy-csv.ts reads, whatever the server's or role's defaults.
 */
export const EXPORT_SETTINGS = [['jit', 'off'], ['TimeZone', 'UTC'], ['DateStyle', 'ISO, YMD']] as const;
const SET_EXPORT_SETTINGS = EXPORT_SETTINGS.map(([name, value]) => `SET ${name} = ${pg.escapeLiteral(value)}`).join('; ');
const RESET_EXPORT_SETTINGS = EXPORT_SETTINGS.map(([name]) => `RESET ${name}`).join('; ');

/**
 * Starts a COPY ... TO STDOUT and resolves once PostgreSQL has sent its first bytes (the header),
 * so that a failure to connect, plan or start (a database that is down, a bad query) rejects here,
 * before the caller has sent any HTTP header, and can still be answered as JSON.
 */
export async function copyOut(pool: pg.Pool, sql: string): Promise<Readable> {
  const client = await pool.connect();
  let stream: ReturnType<typeof copyTo>;
  try {
    await client.query(SET_EXPORT_SETTINGS);
    stream = client.query(copyTo(sql));
  } catch (error) {
    client.release(true);
    throw error;
  }
  let released = false;
  let ended = false;
  const release = () => {
    if (released) return;
    released = true;
    if (ended) {
      client.query(RESET_EXPORT_SETTINGS).then(() => client.release(), (error: Error) => client.release(error));
    } else {
      // Not read to the end (the HTTP client went away, or the COPY failed): destroy the
      // connection, which makes PostgreSQL end the COPY on its side.
      client.release(true);
    }
  };
  stream.once('end', () => {
    ended = true;
  });
  stream.once('close', release);
  // pg-copy-streams has no _destroy and reports errors by emit: let go of the client either way.
  stream.once('error', release);
  try {
    // events.once rejects on 'error'; 'readable' comes with the first chunk, or at the end.
    await once(stream, 'readable');
  } catch (error) {
    stream.destroy();
    release();
    throw error;
  }
  return stream;
}

export function createExportRepository({ pool }: Pick<Database, 'pool'>) {
  return {
    /** payments.csv as CSV bytes, header included. */
    // async: a filter the SQL builders refuse rejects the promise, like any other failure.
    payments: async (f: ExportFilter): Promise<Readable> => {
      const copy = await copyOut(pool, paymentsCopySql(f));
      // pipeline: a CSV stream destroyed (the client hung up) destroys the COPY, which lets go
      // of its connection; a COPY that fails mid-way fails the CSV stream.
      return pipeline(copy, copyTextToCsv(PAYMENT_COLUMNS, PAYMENT_CELLS), () => {});
    },
    /** pledges.csv as CSV bytes, header included. */
    pledges: async (f: ExportFilter): Promise<Readable> => copyOut(pool, pledgesCopySql(f)),
    /** payouts.csv as CSV bytes, header included. */
    payouts: async (f: ExportFilter): Promise<Readable> => copyOut(pool, payoutsCopySql(f)),
    /** matches.csv (one row per match allocation, by sponsor) as CSV bytes, header included. */
    matches: async (f: ExportFilter): Promise<Readable> => copyOut(pool, matchesCopySql(f)),
  };
}

export type ExportRepository = ReturnType<typeof createExportRepository>;
