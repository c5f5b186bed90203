// What each export says is written in the repository (export-repository.ts): column order and
// names, amounts as decimal strings in the currency's precision, instants in ISO 8601 UTC, text
// cells neutralised. The service hands the CSV bytes on.
import type { Readable } from 'node:stream';
import type { Metrics } from '../metrics/metrics.ts';
import type { ExportFilter, ExportRepository } from './export-repository.ts';
import type { ExportSlots } from './export-slots.ts';

/** A CSV file already written: bytes, header row included. */
export interface CsvBytes {
  body: Readable;
  /** How long its client may take nothing before the export is ended (and its slot freed). */
  stallAfterMs: number;
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
  'payments_fee_unknown', 'difference', 'carried', 'failure_code',
];

export const MATCH_COLUMNS = [
  'sponsor', 'pool_id', 'campaign', 'gift_source', 'gift_reference', 'payment_id', 'donor_email', 'donor_name', 'currency',
  'gift_amount', 'multiplier', 'match_original', 'match_amount', 'match_reversed', 'status', 'gift_at', 'matched_at', 'reversed_at',
];

export function createExportService(deps: {
  exports: ExportRepository;
  slots: ExportSlots;
  stallAfterMs: number;
  metrics?: Pick<Metrics, 'exportStarted'>;
}) {
  /**
   * Holds a slot (and counts the export as running) from before the COPY starts until its stream
   * closes: read to the end, cut short or failed.
   */
  async function running(kind: string, open: () => Promise<Readable>): Promise<CsvBytes> {
    const release = deps.slots.acquire();
    const done = deps.metrics?.exportStarted(kind);
    const end = () => {
      release();
      done?.();
    };
    try {
      const body = await open();
      body.once('close', end);
      return { body, stallAfterMs: deps.stallAfterMs };
    } catch (error) {
      end();
      throw error;
    }
  }

  return {
    payments: (filter: ExportFilter) => running('payments', () => deps.exports.payments(filter)),
    pledges: (filter: ExportFilter) => running('pledges', () => deps.exports.pledges(filter)),
    payouts: (filter: ExportFilter) => running('payouts', () => deps.exports.payouts(filter)),
    matches: (filter: ExportFilter) => running('matches', () => deps.exports.matches(filter)),
    /** Another domain's export (subscribers.csv), under the same slots and metrics. */
    stream: running,
  };
}

export type ExportService = ReturnType<typeof createExportService>;
