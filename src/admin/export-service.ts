// What each export says: column order and names, amounts as decimal strings in the currency's
// precision, instants in ISO 8601 UTC, text cells neutralised. Returns object streams of records
// (string arrays); the route only writes them as CSV.
import { Transform, type Readable } from 'node:stream';
import { dateOnly, isoUtc, money, neutralise, yesNo } from './csv.ts';
import type {
  ExportFilter, ExportRepository, PaymentExportRow, PayoutExportRow, PledgeExportRow,
} from './export-repository.ts';

export interface CsvExport {
  columns: string[];
  records: Readable;
}

export const PAYMENT_COLUMNS = [
  'payment_id', 'pledge_id', 'campaign', 'paid_at', 'donor_name', 'email', 'anonymous', 'frequency', 'currency',
  'gross', 'fee', 'net', 'amount_refunded', 'dispute_status', 'checkout_session_id', 'payment_intent_id', 'charge_id',
  'invoice_id', 'balance_transaction_id', 'payout_id', 'payout_arrival_date', 'status', 'flag',
];

export const PLEDGE_COLUMNS = [
  'pledge_id', 'campaign', 'created_at', 'completed_at', 'status', 'frequency', 'currency', 'amount', 'covered_fee',
  'cover_fees', 'donor_name', 'email', 'anonymous', 'message', 'dedication', 'checkout_session_id', 'subscription_id',
  'subscription_status',
];

export const PAYOUT_COLUMNS = [
  'payout_id', 'status', 'arrival_date', 'currency', 'payout_amount', 'payments', 'gross', 'fee', 'net', 'refunded',
  'payments_fee_unknown', 'difference',
];

function mapStream<T>(source: Readable, toRecord: (row: T) => string[]): Readable {
  const transform = new Transform({
    objectMode: true,
    transform(row: T, _enc, done) {
      try {
        done(null, toRecord(row));
      } catch (error) {
        done(error as Error);
      }
    },
  });
  // Stopping the reader must stop the query: destroying this stream destroys its source.
  transform.once('close', () => source.destroy());
  source.once('error', (error) => transform.destroy(error));
  return source.pipe(transform);
}

export function paymentRecord(r: PaymentExportRow): string[] {
  const t = neutralise;
  return [
    t(r.id), t(r.pledge_id), t(r.campaign), isoUtc(r.paid_at), t(r.name), t(r.email), yesNo(r.anonymous), t(r.frequency),
    t(r.currency), money(r.amount, r.currency), money(r.fee, r.currency), money(r.net, r.currency),
    money(r.amount_refunded, r.currency), t(r.dispute_status), t(r.checkout_session_id), t(r.payment_intent_id),
    t(r.charge_id), t(r.invoice_id), t(r.balance_transaction_id), t(r.payout_id), dateOnly(r.payout_arrival_date),
    t(r.status), t(r.flag),
  ];
}

export function pledgeRecord(r: PledgeExportRow): string[] {
  const t = neutralise;
  return [
    t(r.id), t(r.campaign), isoUtc(r.created_at), isoUtc(r.completed_at), t(r.status), t(r.frequency), t(r.currency),
    money(r.amount, r.currency), money(r.covered_fee, r.currency), yesNo(r.cover_fees), t(r.name), t(r.email),
    yesNo(r.anonymous), t(r.message), t(r.dedication), t(r.checkout_session_id), t(r.subscription_id),
    t(r.subscription_status),
  ];
}

export function payoutRecord(r: PayoutExportRow): string[] {
  const t = neutralise;
  // With a fee still unknown the net sum is incomplete: no difference rather than a wrong one.
  const difference = r.unknown_fees > 0 ? '' : money(r.amount - Number(r.net), r.currency);
  return [
    t(r.id), t(r.status), dateOnly(r.arrival_date), t(r.currency), money(r.amount, r.currency), String(r.payments),
    money(r.gross, r.currency), money(r.fee, r.currency), money(r.net, r.currency), money(r.refunded, r.currency),
    String(r.unknown_fees), difference,
  ];
}

export function createExportService(deps: { exports: ExportRepository }) {
  return {
    async payments(filter: ExportFilter): Promise<CsvExport> {
      return { columns: PAYMENT_COLUMNS, records: mapStream(await deps.exports.payments(filter), paymentRecord) };
    },
    async pledges(filter: ExportFilter): Promise<CsvExport> {
      return { columns: PLEDGE_COLUMNS, records: mapStream(await deps.exports.pledges(filter), pledgeRecord) };
    },
    async payouts(filter: ExportFilter): Promise<CsvExport> {
      return { columns: PAYOUT_COLUMNS, records: mapStream(await deps.exports.payouts(filter), payoutRecord) };
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
