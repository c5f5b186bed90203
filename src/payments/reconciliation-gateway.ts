// The port through which the reconciliation report reads Stripe: the charges (with their balance
// transactions and disputes) that moved money in a window. The adapter is
// src/stripe/stripe-reconciliation-gateway.ts; the comparison rules are in reconciliation-report-service.ts.
import type { DisputeStatus } from './payment.ts';

/** A dispute's state for the books: an inquiry is none (it withdraws no money). */
export type DisputeState = DisputeStatus;

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

export interface ReconciliationGateway {
  /** Charges created in [from, to), plus those whose charge balance transaction falls in it. */
  chargesBetween(from: Date, to: Date): Promise<{ charges: StripeChargeFacts[]; balanceTransactions: number }>;
  /** One charge by id, else by payment intent; null when Stripe has no such charge. */
  findCharge(ref: { chargeId: string | null; paymentIntentId: string | null }): Promise<StripeChargeFacts | null>;
}
