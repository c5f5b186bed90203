// Match pools as the matching tests set them up and read them back: pools inserted straight into
// the database (the staff API has its own tests), and the sums every test holds against the cap.
import { expect } from 'vitest';
import type { Database } from '../../../src/db/client.ts';

export interface PoolInput {
  sponsor?: string;
  cap: number;
  perDonorCap?: number | null;
  multiplier?: number;
  qualifies?: 'all' | 'first_time';
  monthly?: 'first_installment' | 'installments';
  monthlyInstallments?: number;
  currency?: string;
  startsAt?: Date;
  endsAt?: Date;
}

export async function insertPool(db: Database, campaignId: string, input: PoolInput) {
  const now = Date.now();
  const row = await db.prisma.matchPool.create({
    data: {
      campaignId,
      sponsor: input.sponsor ?? 'The Sponsor Foundation',
      currency: input.currency ?? 'usd',
      cap: BigInt(input.cap),
      perDonorCap: input.perDonorCap == null ? null : BigInt(input.perDonorCap),
      multiplier: input.multiplier ?? 1,
      qualifies: input.qualifies ?? 'all',
      monthly: input.monthly ?? 'first_installment',
      monthlyInstallments: input.monthlyInstallments ?? 1,
      startsAt: input.startsAt ?? new Date(now - 86_400_000),
      endsAt: input.endsAt ?? new Date(now + 30 * 86_400_000),
    },
  });
  return row.id;
}

/** The pool's own total beside the sum of its allocations, and each allocation. */
export async function poolBooks(db: Database, poolId: string) {
  const { rows: [pool] } = await db.pool.query(
    `SELECT mp.cap::int AS cap, mp.allocated::int AS allocated,
            (SELECT COALESCE(sum(amount), 0)::int FROM match_allocations WHERE pool_id = mp.id) AS "sumOfAllocations",
            (SELECT count(*)::int FROM match_allocations WHERE pool_id = mp.id AND amount > 0) AS matched
     FROM match_pools mp WHERE mp.id = $1`,
    [poolId],
  );
  return pool as { cap: number; allocated: number; sumOfAllocations: number; matched: number };
}

export async function allocationsOf(db: Database, poolId: string) {
  const { rows } = await db.pool.query(
    `SELECT a.source, a.source_id AS "sourceId", a.donor_email AS "donorEmail", a.gift_amount AS "giftAmount", a.original::float8 AS original, a.amount::float8 AS amount,
            p.stripe_payment_intent_id AS "paymentIntentId", p.stripe_charge_id AS "chargeId"
     FROM match_allocations a LEFT JOIN payments p ON p.id = a.payment_id
     WHERE a.pool_id = $1 ORDER BY a.created_at, a.id`,
    [poolId],
  );
  return rows as Array<{ source: string; sourceId: string; donorEmail: string; giftAmount: number; original: number; amount: number; paymentIntentId: string | null; chargeId: string | null }>;
}

/** What every matching test holds after each step: allocated is the sum of the allocations, and no more than the cap. */
export async function expectBooksBalanced(db: Database, poolId: string) {
  const books = await poolBooks(db, poolId);
  expect(books.allocated).toBe(books.sumOfAllocations);
  expect(books.allocated).toBeLessThanOrEqual(books.cap);
}
