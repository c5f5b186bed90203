// The reconciliation report's vocabulary, free of Stripe's and Prisma's types: what Stripe says
// about a charge, what the database says about a payment, and a difference between the two.
export type DisputeState = 'none' | 'open' | 'won' | 'lost';

export interface StripeChargeFacts {
  chargeId: string;
  paymentIntentId: string | null;
  status: 'succeeded' | 'pending' | 'failed';
  currency: string;
  amount: number;
  amountRefunded: number;
  created: Date;
  balanceTransactionId: string | null;
  /** Null while Stripe has no balance transaction for the charge (or it is in another currency). */
  fee: number | null;
  net: number | null;
  dispute: { id: string; status: DisputeState; amount: number } | null;
}

export interface StripeChargeSource {
  /** Charges created in [from, to), plus those whose charge balance transaction falls in it. */
  chargesBetween(from: Date, to: Date): Promise<{ charges: StripeChargeFacts[]; balanceTransactions: number }>;
  /** One charge by id, else by payment intent; null when Stripe has no such charge. */
  findCharge(ref: { chargeId: string | null; paymentIntentId: string | null }): Promise<StripeChargeFacts | null>;
}

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

export interface StripeSide {
  chargeId: string;
  paymentIntentId: string | null;
  balanceTransactionId: string | null;
  disputeId: string | null;
  status: string;
  amount: number;
  amountRefunded: number;
  fee: number | null;
  net: number | null;
  disputeStatus: DisputeState;
}

export interface DatabaseSide {
  paymentId: string;
  pledgeId: string;
  chargeId: string | null;
  paymentIntentId: string | null;
  invoiceId: string | null;
  balanceTransactionId: string | null;
  status: string;
  amount: number;
  amountRefunded: number;
  fee: number | null;
  net: number | null;
  disputeStatus: DisputeState;
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
