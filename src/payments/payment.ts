// What the ledger knows about money, in the service's own terms (no Stripe or Prisma types).
import type { Pledge } from '../pledges/pledge.ts';

/** The database's "PaymentStatus" enum, spelled once in TypeScript. */
export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type DisputeStatus = 'none' | 'open' | 'won' | 'lost';

/**
 * A charge's settlement: its fee and net, from its balance transaction (null while Stripe has
 * none). Read from Stripe after the payment is recorded (fee-filler.ts, recovery).
 */
export interface ChargeSettlement {
  paymentIntentId: string;
  chargeId: string;
  balanceTransactionId: string | null;
  fee: number | null;
  net: number | null;
}

/** One charge as Stripe reports it, to be merged into the payments table (its settlement follows later). */
export interface PaymentRecord {
  pledgeId: string;
  campaignId: string;
  status: PaymentStatus;
  currency: string;
  amount: number;
  coveredFee: number;
  flag: string | null;
  paymentIntentId: string | null;
  invoiceId: string | null;
  paidAt: Date | null;
}

/** The pledge fields the ledger needs to judge a payment against what the donor asked for. */
export type LedgerPledge = Pick<
  Pledge,
  'id' | 'campaignId' | 'amount' | 'coveredFee' | 'currency' | 'frequency' | 'status' | 'checkoutSessionId' | 'stripeSubscriptionId'
>;

export type SubscriptionState = 'active' | 'past_due' | 'unpaid' | 'canceled';

/** The charges, payment intents and balance transactions one payout carried. */
export interface PayoutContents {
  chargeIds: string[];
  paymentIntentIds: string[];
  balanceTransactionIds: string[];
  /** The same, one entry per balance transaction (kept: payments recorded later find their payout). */
  items: Array<{ balanceTransactionId: string; chargeId: string | null; paymentIntentId: string | null }>;
  /** Money of earlier payouts that failed or were cancelled, sent again in this one. */
  carried: number;
}

export interface PayoutRecord {
  id: string;
  amount: number;
  currency: string;
  status: string;
  arrivalDate: Date;
  failureCode: string | null;
  failureMessage: string | null;
}
