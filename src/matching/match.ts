// Matching gifts in the service's own terms: a sponsor's pool, the gift it may match, and the
// arithmetic of one match. Money is integer minor units; the pure rules here are what
// match-allocation.ts applies under the pool's row lock.

export const QUALIFIES = ['all', 'first_time'] as const;
export type Qualifies = (typeof QUALIFIES)[number];
export const MONTHLY_RULES = ['first_installment', 'installments'] as const;
export type MonthlyRule = (typeof MONTHLY_RULES)[number];

export interface MatchPool {
  id: string;
  campaignId: string;
  sponsor: string;
  currency: string;
  cap: number;
  perDonorCap: number | null;
  multiplier: number;
  startsAt: Date;
  endsAt: Date;
  qualifies: Qualifies;
  monthly: MonthlyRule;
  /** With monthly = installments: how many installments the first one counts as. */
  monthlyInstallments: number;
  allocated: number;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Where a gift comes from: a Stripe payment, or a gift recorded by hand (a check, a bank transfer). */
export type GiftSource = 'payment' | 'offline';

/**
 * A gift a pool may match, as whoever records it knows it. Calling matchGift with the same
 * (source, sourceId) again is safe: the first call takes the match, later ones bring it in line
 * with `liveAmount` (a refund gives it back, a refund that failed takes it again, pool room allowing).
 */
export interface MatchableGift {
  source: GiftSource;
  /** The payment's id (uuid), or the offline gift's own id. */
  sourceId: string;
  campaignId: string;
  currency: string;
  donorEmail: string;
  /** What the donor meant to give: the charge less any fee they chose to cover. */
  amount: number;
  /** What of it still stands: less refunds and disputes lost (0: all of it given back). */
  liveAmount: number;
  /** When the gift was made (paid, or received): the pool's window is judged on it. */
  at: Date;
  /** The money is in (a succeeded, unflagged payment; a received check). Only then is a match taken. */
  settled: boolean;
  /**
   * A monthly gift's series (its pledge); null for a one-time gift. A series is matched once per
   * pool, on the first of its installments recorded (installments may be recorded out of order).
   */
  series: string | null;
}

export interface MatchResult {
  /** The gift's match now, over every pool. */
  matched: number;
  allocations: Array<{ poolId: string; sponsor: string; amount: number }>;
}

/** A pool accepts gifts made in its window, before staff closed it, in the campaign's currency. */
export function poolTakes(pool: Pick<MatchPool, 'startsAt' | 'endsAt' | 'closedAt' | 'currency'>, gift: Pick<MatchableGift, 'at' | 'currency'>): boolean {
  const at = gift.at.getTime();
  return gift.currency === pool.currency && at >= pool.startsAt.getTime() && at < pool.endsAt.getTime() && (pool.closedAt === null || at < pool.closedAt.getTime());
}

/**
 * How many times the gift counts for this pool. A monthly gift counts on its first installment
 * only (the caller says whether it is one), as that installment or as N of them.
 */
export function giftWeight(pool: Pick<MatchPool, 'monthly' | 'monthlyInstallments'>, gift: Pick<MatchableGift, 'series'>): number {
  return gift.series !== null && pool.monthly === 'installments' ? pool.monthlyInstallments : 1;
}

/** Room left for one donor's gift: the pool's, and under a per-donor cap, the donor's. */
export function roomFor(pool: Pick<MatchPool, 'cap' | 'allocated' | 'perDonorCap'>, donorMatched: number): number {
  const poolLeft = pool.cap - pool.allocated;
  const donorLeft = pool.perDonorCap === null ? Number.POSITIVE_INFINITY : pool.perDonorCap - donorMatched;
  return Math.max(0, Math.min(poolLeft, donorLeft));
}

/**
 * The match an allocation should hold now. It never exceeds what it first took (`original`), nor
 * the multiple of what still stands of the gift: a partial refund gives back only what the rest of
 * the gift no longer justifies. Growing back (a refund that failed) takes from the room left.
 */
export function settledAmount(a: { original: number; amount: number }, wanted: number, room: number): number {
  const target = Math.min(a.original, wanted);
  if (target <= a.amount) return target;
  return a.amount + Math.min(target - a.amount, room);
}
