// Allocation: a gift takes its match from every pool of its campaign that it qualifies for, in the
// transaction that records the gift, and gives it back when the gift is refunded or a dispute is
// lost. Pools stack (two sponsors each matching 1x make a 2x match). Each pool gives at most what is
// left of its cap and of the donor's cap, so near the cap a gift is matched in part.
import type { Logger } from 'pino';
import { createMatchAllocationRepository, type LockedPool, type MatchAllocationRepository, type PaymentGiftRef } from './match-allocation-repository.ts';
import { giftWeight, poolTakes, roomFor, settledAmount, type MatchableGift, type MatchResult } from './match.ts';
import type { Prisma } from '../generated/prisma/client.ts';

/** A donor's email as allocations record it (per-donor caps sum over it). */
export const normalEmail = (email: string) => email.trim().toLowerCase();

export function createMatchLedger(deps: { allocations: MatchAllocationRepository; logger?: Logger }) {
  const { allocations } = deps;

  /** The match the gift should hold from one locked pool, and the write that gets it there. */
  async function settlePool(pool: LockedPool, gift: MatchableGift, email: string, firstGift: () => Promise<boolean>, donorMatched: number): Promise<number> {
    const current = pool.allocation;
    const room = roomFor(pool, donorMatched);
    if (!current) {
      if (!gift.settled || !poolTakes(pool, gift)) return 0;
      if (pool.qualifies === 'first_time' && !(await firstGift())) return 0;
      if (gift.series !== null && (await allocations.seriesMatched(pool.id, gift))) return 0;
      const weight = giftWeight(pool, gift);
      // The turn is judged on the whole gift, not on what stands of it now: events arrive in any
      // order, so a refund (that may yet fail) can be recorded before the gift's turn comes. The
      // turn reserves the whole gift's match as `original` (room allowing) and holds what stands
      // now; a refund that fails later grows it back towards `original`, room allowing, exactly
      // as if the refund had come after the turn. Kept even when the pool had nothing left (0):
      // the gift had its turn, and a later event must not hand it room other gifts wait for.
      const original = Math.min(gift.amount * weight * pool.multiplier, room);
      const amount = Math.min(gift.liveAmount * weight * pool.multiplier, original);
      await allocations.insert(pool.id, gift, email, original, amount);
      return amount;
    }
    // A match once made is not judged again (the donor was first-time then); only the gift's money moves it.
    const wanted = gift.settled ? gift.liveAmount * giftWeight(pool, gift) * pool.multiplier : 0;
    const next = settledAmount(current, wanted, room);
    if (next !== current.amount) await allocations.setAmount(pool.id, current.id, current.amount, next);
    return next;
  }

  async function matchGift(gift: MatchableGift): Promise<MatchResult> {
    const email = normalEmail(gift.donorEmail);
    const pools = await allocations.lockPools(gift);
    if (pools.length === 0) return { matched: 0, allocations: [] };
    const capped = pools.filter((p) => p.perDonorCap !== null).map((p) => p.id);
    const donor = await allocations.donorMatched(capped, email, gift.source, gift.sourceId);
    let first: Promise<boolean> | undefined;
    const firstGift = () => (first ??= allocations.isFirstGift(email, gift));
    const result: MatchResult = { matched: 0, allocations: [] };
    for (const pool of pools) {
      const amount = await settlePool(pool, gift, email, firstGift, donor.get(pool.id) ?? 0);
      if (amount > 0) result.allocations.push({ poolId: pool.id, sponsor: pool.sponsor, amount });
      result.matched += amount;
    }
    return result;
  }

  return {
    matchGift,

    /** After any write to a payment (recorded, refunded, disputed): its match follows it. */
    async paymentChanged(ref: PaymentGiftRef): Promise<void> {
      const gift = await allocations.paymentGift(ref);
      if (!gift) return;
      const result = await matchGift(gift);
      if (result.matched > 0) deps.logger?.debug({ paymentId: gift.sourceId, matched: result.matched }, 'payment matched');
    },
  };
}

export type MatchLedger = ReturnType<typeof createMatchLedger>;

/**
 * Matches a gift from its campaign's pools inside the caller's transaction (`client`), the one that
 * records the gift: for gifts that are not Stripe payments (an offline check or bank transfer,
 * source 'offline'). Call it again with the gift's new `liveAmount` (0 when voided) to give the
 * match back; calling it twice with the same facts changes nothing.
 */
export function matchGift(client: Prisma.TransactionClient, gift: MatchableGift): Promise<MatchResult> {
  return createMatchLedger({ allocations: createMatchAllocationRepository(client) }).matchGift(gift);
}
