// What each export says is written in SQL (export-repository.ts): column order and names, amounts
// as decimal strings in the currency's precision (format_minor), instants in ISO 8601 UTC, text
// cells neutralised (csv_text). PostgreSQL writes the CSV itself; the service hands its bytes on.
import type { Readable } from 'node:stream';
import type { Metrics } from '../metrics/metrics.ts';
import type { ExportFilter, ExportRepository } from './export-repository.ts';

/** A CSV file already written: bytes, header row included. */
export interface CsvBytes {
  body: Readable;
}

/** Records (string arrays) still to be written as CSV under these column names. */
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

export function createExportService(deps: { exports: ExportRepository; metrics?: Pick<Metrics, 'exportStarted'> }) {
  /** Counted as running from the request for a connection until the stream closes (read, cut short or failed). */
  async function running(kind: keyof ExportRepository, filter: ExportFilter): Promise<CsvBytes> {
    const done = deps.metrics?.exportStarted(kind);
    try {
      const body = await deps.exports[kind](filter);
      if (done) body.once('close', done);
      return { body };
    } catch (error) {
      done?.();
      throw error;
    }
  }

  return {
    payments: (filter: ExportFilter) => running('payments', filter),
    pledges: (filter: ExportFilter) => running('pledges', filter),
    payouts: (filter: ExportFilter) => running('payouts', filter),
  };
}

export type ExportService = ReturnType<typeof createExportService>;
