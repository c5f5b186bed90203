// The allocation's persistence, inside the transaction that records the gift. The pools a gift may
// take from are locked (FOR UPDATE, in id order, so two gifts never wait on each other's pools in a
// cycle) before anything is read that the cap depends on: the pool's allocated total, the donor's
// matches so far, whether the donor gave before. Every instance's allocations to a pool therefore
// run one after another, and `allocated` moves with its allocations in one statement each.
import { Prisma } from '../generated/prisma/client.ts';
import type { GiftSource, MatchableGift, MatchPool } from './match.ts';

type Client = Prisma.TransactionClient;

export interface LockedPool extends MatchPool {
  /** This gift's allocation from the pool, if it has one. */
  allocation: { id: string; original: number; amount: number } | null;
}

/** What the ledger knows of a payment that a pool needs (null when it is not recorded). */
export interface PaymentGiftRef {
  paymentIntentId: string | null;
  chargeId: string | null;
  invoiceId: string | null;
}

const POOL_COLUMNS = Prisma.sql`mp.id::text, mp.campaign_id::text AS "campaignId", mp.sponsor, mp.currency, mp.cap::float8 AS cap,
  mp.per_donor_cap::float8 AS "perDonorCap", mp.multiplier, mp.starts_at AS "startsAt", mp.ends_at AS "endsAt", mp.qualifies,
  mp.monthly, mp.monthly_installments AS "monthlyInstallments", mp.allocated::float8 AS allocated, mp.closed_at AS "closedAt",
  mp.created_at AS "createdAt", mp.updated_at AS "updatedAt"`;

export { POOL_COLUMNS };

/** An offline gift's moment for the pools: noon on the day received, in its campaign's zone (see src/offline-gifts/offline-gift-matches.ts). */
const OFFLINE_GIFT_AT = Prisma.sql`((o.received_on + time '12:00') AT TIME ZONE (SELECT oc.timezone FROM campaigns oc WHERE oc.id = o.campaign_id))`;

export function createMatchAllocationRepository(client: Client) {
  async function moveAllocated(poolId: string, delta: number): Promise<void> {
    if (delta === 0) return;
    await client.$executeRaw`UPDATE match_pools SET allocated = allocated + ${delta}, updated_at = now() WHERE id = ${poolId}::uuid`;
  }

  return {
    /**
     * The gift a recorded payment is, in a pool's terms: what the donor meant to give (less the
     * fee they covered), what still stands after refunds and a lost dispute (an open one keeps the
     * match until it is decided; a won one keeps it for good), and the monthly pledge it is an installment of.
     * Null when the payment is not recorded, or its campaign has no match pool.
     */
    async paymentGift(ref: PaymentGiftRef): Promise<MatchableGift | null> {
      const rows = await client.$queryRaw<MatchableGift[]>`
        SELECT 'payment' AS source, p.id::text AS "sourceId", p.campaign_id::text AS "campaignId", p.currency,
          pl.email AS "donorEmail", p.amount - p.covered_fee AS amount,
          GREATEST(p.amount - p.covered_fee - p.amount_refunded - CASE WHEN p.dispute_status = 'lost' THEN p.disputed_amount ELSE 0 END, 0) AS "liveAmount",
          COALESCE(p.paid_at, p.created_at) AS at,
          (p.status = 'succeeded' AND p.flag IS NULL) AS settled,
          CASE WHEN pl.frequency = 'monthly' THEN pl.id::text END AS series
        FROM payments p JOIN pledges pl ON pl.id = p.pledge_id
        WHERE ((${ref.invoiceId}::text IS NOT NULL AND p.stripe_invoice_id = ${ref.invoiceId})
           OR (${ref.paymentIntentId}::text IS NOT NULL AND p.stripe_payment_intent_id = ${ref.paymentIntentId})
           OR (${ref.chargeId}::text IS NOT NULL AND p.stripe_charge_id = ${ref.chargeId}))
          -- A campaign without a pool (pools are closed, never deleted) has nothing to match or
          -- give back: no gift, so the webhook's transaction skips the pool round trips.
          AND EXISTS (SELECT 1 FROM match_pools mp WHERE mp.campaign_id = p.campaign_id)
        LIMIT 1`;
      return rows[0] ?? null;
    },

    /**
     * Locks the pools this gift may take from (a settled gift only) or already took from, in id order, and reads them
     * as they are once locked, with the gift's allocation from each.
     */
    async lockPools(gift: Pick<MatchableGift, 'source' | 'sourceId' | 'campaignId' | 'currency' | 'at' | 'settled'>): Promise<LockedPool[]> {
      const pools = await client.$queryRaw<MatchPool[]>`
        SELECT ${POOL_COLUMNS} FROM match_pools mp
        WHERE mp.campaign_id = ${gift.campaignId}::uuid AND (
          (${gift.settled} AND mp.currency = ${gift.currency} AND mp.starts_at <= ${gift.at} AND ${gift.at} < mp.ends_at
            AND (mp.closed_at IS NULL OR ${gift.at} < mp.closed_at))
          OR EXISTS (SELECT 1 FROM match_allocations a WHERE a.pool_id = mp.id AND a.source = ${gift.source} AND a.source_id = ${gift.sourceId}))
        ORDER BY mp.id
        FOR UPDATE`;
      if (pools.length === 0) return [];
      const allocations = await client.$queryRaw<Array<{ poolId: string; id: string; original: number; amount: number }>>`
        SELECT pool_id::text AS "poolId", id::text, original::float8 AS original, amount::float8 AS amount FROM match_allocations
        WHERE pool_id = ANY(${pools.map((p) => p.id)}::uuid[]) AND source = ${gift.source} AND source_id = ${gift.sourceId}`;
      const byPool = new Map(allocations.map((a) => [a.poolId, { id: a.id, original: a.original, amount: a.amount }]));
      return pools.map((p) => ({ ...p, allocation: byPool.get(p.id) ?? null }));
    },

    /** The donor's live matches in each pool, this gift's own left out. */
    async donorMatched(poolIds: string[], donorEmail: string, source: GiftSource, sourceId: string): Promise<Map<string, number>> {
      if (poolIds.length === 0) return new Map();
      const rows = await client.$queryRaw<Array<{ poolId: string; matched: number }>>`
        SELECT pool_id::text AS "poolId", sum(amount)::float8 AS matched FROM match_allocations
        WHERE pool_id = ANY(${poolIds}::uuid[]) AND donor_email = ${donorEmail} AND NOT (source = ${source} AND source_id = ${sourceId})
        GROUP BY pool_id`;
      return new Map(rows.map((r) => [r.poolId, r.matched]));
    },

    /**
     * Whether the donor had no earlier gift than this one (by email, any campaign): no successful
     * payment and no offline gift that is not voided. An offline gift is dated noon on the day it was
     * received, where its campaign is (as src/offline-gifts matches it); two gifts at the same moment go in the order recorded.
     */
    async isFirstGift(donorEmail: string, gift: Pick<MatchableGift, 'source' | 'sourceId' | 'at'>): Promise<boolean> {
      const thisPayment = gift.source === 'payment' ? gift.sourceId : null;
      const thisOffline = gift.source === 'offline' ? gift.sourceId : null;
      const rows = await client.$queryRaw<Array<{ earlier: boolean }>>`
        SELECT EXISTS (
          SELECT 1 FROM payments p JOIN pledges pl ON pl.id = p.pledge_id
          WHERE lower(pl.email) = ${donorEmail} AND p.status = 'succeeded' AND p.flag IS NULL
            AND (${thisPayment}::uuid IS NULL OR p.id <> ${thisPayment}::uuid)
            AND (p.paid_at < ${gift.at} OR (p.paid_at = ${gift.at} AND ${thisPayment}::uuid IS NOT NULL
              -- Stripe's times are whole seconds: within one, the payment recorded first came first.
              AND (p.created_at, p.id) < (SELECT x.created_at, x.id FROM payments x WHERE x.id = ${thisPayment}::uuid)))
        ) OR EXISTS (
          SELECT 1 FROM offline_gifts o
          WHERE lower(o.email) = ${donorEmail} AND o.voided_at IS NULL
            AND (${thisOffline}::uuid IS NULL OR o.id <> ${thisOffline}::uuid)
            AND (${OFFLINE_GIFT_AT} < ${gift.at} OR (${OFFLINE_GIFT_AT} = ${gift.at} AND ${thisOffline}::uuid IS NOT NULL
              -- Received the same day: the one entered first came first.
              AND (o.created_at, o.id) < (SELECT x.created_at, x.id FROM offline_gifts x WHERE x.id = ${thisOffline}::uuid)))
        ) AS earlier`;
      return !rows[0]!.earlier;
    },

    /** Whether another installment of this monthly gift already had its turn in the pool. */
    async seriesMatched(poolId: string, gift: Pick<MatchableGift, 'series' | 'source' | 'sourceId'>): Promise<boolean> {
      const rows = await client.$queryRaw<Array<{ taken: boolean }>>`
        SELECT EXISTS (SELECT 1 FROM match_allocations WHERE pool_id = ${poolId}::uuid AND series = ${gift.series}
          AND NOT (source = ${gift.source} AND source_id = ${gift.sourceId})) AS taken`;
      return rows[0]!.taken;
    },

    async insert(poolId: string, gift: MatchableGift, donorEmail: string, original: number, amount: number): Promise<void> {
      const paymentId = gift.source === 'payment' ? gift.sourceId : null;
      await client.$executeRaw`
        INSERT INTO match_allocations (pool_id, source, source_id, payment_id, series, donor_email, currency, gift_amount, original, amount, gift_at)
        VALUES (${poolId}::uuid, ${gift.source}, ${gift.sourceId}, ${paymentId}::uuid, ${gift.series}, ${donorEmail}, ${gift.currency}, ${gift.amount},
          ${original}, ${amount}, ${gift.at})`;
      await moveAllocated(poolId, amount);
    },

    async setAmount(poolId: string, allocationId: string, from: number, to: number): Promise<void> {
      await client.$executeRaw`
        UPDATE match_allocations SET amount = ${to}, updated_at = now(),
          reversed_at = CASE WHEN ${to}::bigint < ${from}::bigint THEN now() ELSE reversed_at END
        WHERE id = ${allocationId}::uuid`;
      await moveAllocated(poolId, to - from);
    },
  };
}

export type MatchAllocationRepository = ReturnType<typeof createMatchAllocationRepository>;
