// What a donor asked for, in the service's own terms.
export type Frequency = 'once' | 'monthly';

/**
 * Every state a pledge can be in: the one list, the database's "PledgeStatus" enum spelled in
 * TypeScript (pledge-repository.ts fails to compile if the two ever differ).
 */
export const PLEDGE_STATUSES = ['pending', 'completed', 'failed', 'expired', 'cancelled'] as const;
export type PledgeStatus = (typeof PLEDGE_STATUSES)[number];

export interface Pledge {
  id: string;
  campaignId: string;
  amount: number;
  coveredFee: number;
  currency: string;
  frequency: Frequency;
  coverFees: boolean;
  email: string;
  name: string | null;
  anonymous: boolean;
  showAmount: boolean;
  message: string | null;
  dedication: string | null;
  status: PledgeStatus;
  checkoutSessionId: string | null;
  checkoutUrl: string | null;
  stripeSubscriptionId: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export type NewPledge = Pick<
  Pledge,
  'campaignId' | 'amount' | 'coveredFee' | 'currency' | 'frequency' | 'coverFees' | 'email' | 'name' | 'anonymous' | 'showAmount'
  | 'message' | 'dedication' | 'idempotencyKey' | 'requestHash'
>;

/**
 * The reference a donor is shown and can quote to staff: the first 8 hex digits of the pledge id
 * (the `pledge_id` column of the exports starts with it). Short enough to read over the phone.
 */
export function donationReference(pledgeId: string): string {
  return pledgeId.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/**
 * When a monthly gift is next taken: a month after the billing period that was last paid began,
 * on the same day of the month, or the month's last day when it is shorter (as Stripe bills).
 */
export function nextMonthlyCharge(periodStart: Date): Date {
  const day = periodStart.getUTCDate();
  const next = new Date(periodStart);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}
