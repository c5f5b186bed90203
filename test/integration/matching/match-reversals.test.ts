// What qualifies and what gives a match back, through the real webhook path (the emulator's events,
// duplicated and shuffled): a refund gives back what the rest of the gift no longer justifies, a
// refund that fails takes it again, a lost dispute gives it back, a won one keeps it. After every
// step the pool's allocated total is the sum of its allocations and no more than its cap.
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { matchGift } from '../../../src/matching/index.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { startHarness, type Harness } from '../webhooks/webhook-harness.ts';
import { allocationsOf, expectBooksBalanced, insertPool, poolBooks, type PoolInput } from './match-pools-helpers.ts';

let db: TestDatabase;
let h: Harness;
let campaignId: string;
let poolId: string;
let seq = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db);
  h.emulator.setDeliveryChaos({ duplicate: 0.5, reorder: true });
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});
// The invariant, whatever the test did.
afterEach(() => expectBooksBalanced(db, poolId));

async function campaignWithPool(pool: PoolInput) {
  const slug = `match-${++seq}`;
  campaignId = (await insertCampaign(db, { slug })).id;
  poolId = await insertPool(db, campaignId, pool);
  return slug;
}

async function give(slug: string, amount: number, input: { email?: string; delayed?: boolean; coverFees?: boolean } = {}) {
  const res = await fetch(`${h.url}/api/pledges`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ campaign: slug, amount, currency: 'usd', frequency: 'once', email: input.email ?? `d${++seq}@example.org`, coverFees: input.coverFees ?? false }),
  });
  const pledge = (await res.json()) as { checkoutSessionId: string };
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: input.delayed ? 'delayed' : 'succeeded' });
  if (input.delayed) await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/settle`);
  const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent.latest_charge'] });
  await h.emulator.flushDeliveries();
  return (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
}

const matchOf = async (charge: Stripe.Charge) => {
  await h.emulator.flushDeliveries();
  return (await allocationsOf(db, poolId)).find((a) => a.chargeId === charge.id || a.paymentIntentId === charge.payment_intent);
};

describe('reversals', () => {
  it('a full refund gives the whole match back, and the pool has that room again', async () => {
    const slug = await campaignWithPool({ cap: 10_000, multiplier: 2 });
    const charge = await give(slug, 3000);
    expect(await matchOf(charge)).toMatchObject({ giftAmount: 3000, original: 6000, amount: 6000 });
    await h.stripe.refunds.create({ charge: charge.id });
    expect(await matchOf(charge)).toMatchObject({ original: 6000, amount: 0 });
    expect(await poolBooks(db, poolId)).toMatchObject({ allocated: 0 });
    const next = await give(slug, 5000);
    expect(await matchOf(next)).toMatchObject({ amount: 10_000 });
  });

  it('a partial refund keeps the match the rest of the gift justifies; one that fails takes it back', async () => {
    const slug = await campaignWithPool({ cap: 10_000 });
    const charge = await give(slug, 4000, { delayed: true });
    expect(await matchOf(charge)).toMatchObject({ original: 4000, amount: 4000 });
    const refund = await h.stripe.refunds.create({ charge: charge.id, amount: 1500 });
    expect(refund.status).toBe('pending');
    expect(await matchOf(charge)).toMatchObject({ original: 4000, amount: 2500 });
    await h.helper(`/v1/test_helpers/refunds/${refund.id}/settle`, { outcome: 'failed' });
    expect(await matchOf(charge)).toMatchObject({ original: 4000, amount: 4000 });
  });

  it('a partial refund of a gift matched in part gives back nothing while the rest still justifies it', async () => {
    const slug = await campaignWithPool({ cap: 2000 });
    const charge = await give(slug, 5000);
    expect(await matchOf(charge)).toMatchObject({ original: 2000, amount: 2000 });
    await h.stripe.refunds.create({ charge: charge.id, amount: 2000 });
    expect(await matchOf(charge)).toMatchObject({ amount: 2000 });
    await h.stripe.refunds.create({ charge: charge.id, amount: 2000 });
    expect(await matchOf(charge)).toMatchObject({ amount: 1000 });
  });

  it('a lost dispute gives the match back; an open or won one keeps it', async () => {
    const slug = await campaignWithPool({ cap: 50_000 });
    const lost = await give(slug, 2500);
    const won = await give(slug, 3500);
    const lostDispute = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${lost.id}/dispute`);
    const wonDispute = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${won.id}/dispute`);
    expect(await matchOf(lost)).toMatchObject({ amount: 2500 });
    expect(await matchOf(won)).toMatchObject({ amount: 3500 });
    await h.helper(`/v1/test_helpers/disputes/${lostDispute.id}/close`, { outcome: 'lost' });
    await h.helper(`/v1/test_helpers/disputes/${wonDispute.id}/close`, { outcome: 'won' });
    expect(await matchOf(lost)).toMatchObject({ original: 2500, amount: 0 });
    expect(await matchOf(won)).toMatchObject({ original: 3500, amount: 3500 });
    expect(await poolBooks(db, poolId)).toMatchObject({ allocated: 3500 });
  });
});

describe('what qualifies', () => {
  it('the fee a donor covers is not matched; the multiplier applies to the gift', async () => {
    const slug = await campaignWithPool({ cap: 100_000, multiplier: 3 });
    const charge = await give(slug, 2500, { coverFees: true });
    expect(charge.amount).toBe(2606);
    expect(await matchOf(charge)).toMatchObject({ giftAmount: 2500, amount: 7500 });
  });

  it('first-time donors only: a donor who gave before (any campaign) is not matched', async () => {
    const slug = await campaignWithPool({ cap: 100_000, qualifies: 'first_time' });
    const first = await give(slug, 1000, { email: 'New.Donor@example.org' });
    const again = await give(slug, 1000, { email: 'new.donor@example.org' });
    expect(await matchOf(first)).toMatchObject({ amount: 1000, donorEmail: 'new.donor@example.org' });
    expect(await matchOf(again)).toBeUndefined();
  });

  it('a per-donor cap counts the donor\'s gifts together, by email', async () => {
    const slug = await campaignWithPool({ cap: 100_000, perDonorCap: 3000 });
    const one = await give(slug, 2000, { email: 'capped@example.org' });
    const two = await give(slug, 2000, { email: 'capped@example.org' });
    const other = await give(slug, 2000, { email: 'other@example.org' });
    expect([(await matchOf(one))?.amount, (await matchOf(two))?.amount, (await matchOf(other))?.amount]).toEqual([2000, 1000, 2000]);
  });

  it('a gift outside the window, or after staff closed the pool, is not matched', async () => {
    const slug = await campaignWithPool({ cap: 100_000, startsAt: new Date(Date.now() + 86_400_000) });
    const early = await give(slug, 1000);
    expect(await matchOf(early)).toBeUndefined();
    await db.prisma.matchPool.update({ where: { id: poolId }, data: { startsAt: new Date(Date.now() - 86_400_000), closedAt: new Date(Date.now() - 2000) } });
    const late = await give(slug, 1000);
    expect(await matchOf(late)).toBeUndefined();
  });

  it('monthly gifts counted as 12 installments are matched on the first one only', async () => {
    const slug = await campaignWithPool({ cap: 100_000, monthly: 'installments', monthlyInstallments: 12 });
    const res = await fetch(`${h.url}/api/pledges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ campaign: slug, amount: 1500, currency: 'usd', frequency: 'monthly', email: 'monthly@example.org' }),
    });
    const pledge = (await res.json()) as { checkoutSessionId: string };
    await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId);
    await h.helper(`/v1/test_helpers/subscriptions/${session.subscription as string}/renew`);
    await h.emulator.flushDeliveries();
    const allocations = await allocationsOf(db, poolId);
    expect(allocations.map((a) => a.amount)).toEqual([18_000]);
  });
});

describe('gifts that are not Stripe payments', () => {
  it('matchGift takes a match in the caller\'s transaction, and gives it back when called with what stands', async () => {
    await campaignWithPool({ cap: 5000, multiplier: 2 });
    const gift = {
      source: 'offline' as const, sourceId: 'check-1042', campaignId, currency: 'usd', donorEmail: 'Check@Example.org',
      amount: 2000, liveAmount: 2000, at: new Date(), settled: true, series: null,
    };
    const taken = await db.prisma.$transaction((tx) => matchGift(tx, gift));
    expect(taken).toEqual({ matched: 4000, allocations: [{ poolId, sponsor: 'The Sponsor Foundation', amount: 4000 }] });
    // Twice is once.
    expect(await db.prisma.$transaction((tx) => matchGift(tx, gift))).toMatchObject({ matched: 4000 });
    // A transaction that rolls back takes nothing.
    await expect(db.prisma.$transaction(async (tx) => {
      await matchGift(tx, { ...gift, sourceId: 'check-1043' });
      throw new Error('the check bounced before commit');
    })).rejects.toThrow('bounced');
    expect(await poolBooks(db, poolId)).toMatchObject({ allocated: 4000 });
    // Voided: nothing stands, the match goes back.
    expect(await db.prisma.$transaction((tx) => matchGift(tx, { ...gift, liveAmount: 0 }))).toMatchObject({ matched: 0 });
    expect(await allocationsOf(db, poolId)).toEqual([expect.objectContaining({ source: 'offline', sourceId: 'check-1042', original: 4000, amount: 0 })]);
  });

  it('a gift whose refund is recorded before its turn gets its whole match back when the refund fails', async () => {
    // Events arrive in any order: the refund (later failed) can be applied before the gift's turn.
    await campaignWithPool({ cap: 50_000, multiplier: 3 });
    const gift = {
      source: 'offline' as const, sourceId: 'late-turn', campaignId, currency: 'usd', donorEmail: 'late@example.org',
      amount: 25_995, liveAmount: 12_998, at: new Date(), settled: true, series: null,
    };
    expect(await db.prisma.$transaction((tx) => matchGift(tx, gift))).toMatchObject({ matched: 38_994 });
    expect(await allocationsOf(db, poolId)).toEqual([expect.objectContaining({ original: 50_000, amount: 38_994 })]);
    expect(await db.prisma.$transaction((tx) => matchGift(tx, { ...gift, liveAmount: 25_995 }))).toMatchObject({ matched: 50_000 });
    expect(await poolBooks(db, poolId)).toMatchObject({ allocated: 50_000 });
  });

  it('a gift in another currency than the pool\'s is not matched', async () => {
    await campaignWithPool({ cap: 5000 });
    const result = await db.prisma.$transaction((tx) => matchGift(tx, {
      source: 'offline', sourceId: 'wire-7', campaignId, currency: 'eur', donorEmail: 'x@example.org', amount: 1000, liveAmount: 1000,
      at: new Date(), settled: true, series: null,
    }));
    expect(result.matched).toBe(0);
  });
});
