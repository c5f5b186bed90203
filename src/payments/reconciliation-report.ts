// The reconciliation report's vocabulary, free of Stripe's and Prisma's types: what Stripe says
// about a charge, what the database says about a payment, and a difference between the two.
import type { DisputeState } from './reconciliation-gateway.ts';

export type { DisputeState, StripeChargeFacts } from './reconciliation-gateway.ts';

export interface LedgerPayment {
  id: string;
  pledgeId: string;
  status: 'pending' | 'succeeded' | 'failed';
  currency: string;
  amount: number;
  fee: number | null;
  net: number | null;
  amountRefunded: number;
  disputeStatus: DisputeState;
  disputedAmount: number;
  chargeId: string | null;
  paymentIntentId: string | null;
  invoiceId: string | null;
  balanceTransactionId: string | null;
  paidAt: Date | null;
}

export type DifferenceKind =
  | 'missing_in_database'
  | 'missing_in_stripe'
  | 'status_mismatch'
  | 'amount_mismatch'
  | 'refund_mismatch'
  | 'dispute_mismatch'
  | 'fee_mismatch'
  | 'fee_unknown';

/** The figures both sides of a difference state, to be compared. */
interface ChargeFigures {
  paymentIntentId: string | null;
  balanceTransactionId: string | null;
  status: string;
  amount: number;
  amountRefunded: number;
  fee: number | null;
  net: number | null;
  disputeStatus: DisputeState;
}

export interface StripeSide extends ChargeFigures {
  chargeId: string;
  disputeId: string | null;
}

export interface DatabaseSide extends ChargeFigures {
  paymentId: string;
  pledgeId: string;
  chargeId: string | null;
  invoiceId: string | null;
}

export interface Difference {
  kind: DifferenceKind;
  message: string;
  currency: string;
  stripe: StripeSide | null;
  database: DatabaseSide | null;
}

export interface CurrencyTotals {
  currency: string;
  stripe: { charges: number; gross: number; refunded: number; fee: number; net: number };
  database: { payments: number; gross: number; refunded: number; fee: number; net: number };
}

export interface ReconciliationReport {
  from: string;
  to: string;
  generatedAt: string;
  stripe: { charges: number; balanceTransactions: number };
  database: { payments: number };
  summary: Record<DifferenceKind, number>;
  totals: CurrencyTotals[];
  differences: Difference[];
}
