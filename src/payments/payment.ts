// What the ledger knows about money, in the service's own terms (no Stripe or Prisma types).
export type PaymentStatus = 'pending' | 'succeeded' | 'failed';
export type DisputeStatus = 'none' | 'open' | 'won' | 'lost';

/** Fee and net of a settled charge, from its balance transaction (null when Stripe was unreachable). */
export interface ChargeFacts {
  paymentIntentId: string;
  chargeId: string;
  balanceTransactionId: string | null;
  fee: number | null;
  net: number | null;
}

/** One charge as Stripe reports it, to be merged into the payments table. */
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
  facts: ChargeFacts | null;
}

/** The pledge fields the ledger needs to judge a payment against what the donor asked for. */
export interface LedgerPledge {
  id: string;
  campaignId: string;
  amount: number;
  coveredFee: number;
  currency: string;
  frequency: 'once' | 'monthly';
  status: 'pending' | 'completed' | 'failed' | 'expired' | 'cancelled';
  checkoutSessionId: string | null;
  stripeSubscriptionId: string | null;
}

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
