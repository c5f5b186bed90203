// One donor, two ways of giving: a Stripe payment through the real webhook path and a check
// recorded by staff through the admin API, in the same campaign and pool. The pool must see them
// as the same donor (by email, whatever its case): the first-time rule counts an earlier check
// that stands (not a voided one), and a per-donor cap counts both gifts together. After every
// test the pool's allocated total is the sum of its allocations and no more than its cap.
import type Stripe from 'stripe';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';
import { startHarness, type Harness } from '../webhooks/webhook-harness.ts';
import { allocationsOf, expectBooksBalanced, insertPool, poolBooks, type PoolInput } from './match-pools-helpers.ts';

let db: TestDatabase;
let h: Harness;
let auth: Record<string, string>;
let poolId: string;
let seq = 0;
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db);
  auth = bearer((await mintKey(db)).key);
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});
afterEach(() => expectBooksBalanced(db, poolId));

/**
 * A fixed-offset zone where it is now about 6 in the morning: an offline gift is dated noon on the
 * day it was received, where its campaign is, so a check received "today" there is dated hours after
 * a gift made now, whatever time of day the test runs (in UTC, after noon it would be dated before).
 */
function morningZone(now = new Date()) {
  const offset = ((6 - now.getUTCHours() + 36) % 24) - 12; // hours east of UTC, in -12..11
  return { timezone: offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`, offset };
}
const dayIn = (offsetHours: number) => new Date(Date.now() + offsetHours * 3_600_000).toISOString().slice(0, 10);

async function campaignWithPool(pool: Omit<PoolInput, 'startsAt'>, timezone?: string) {
  const slug = `across-${++seq}`;
  const { id } = await insertCampaign(db, { slug, startsAt: new Date(Date.now() - 30 * DAY), timezone });
  poolId = await insertPool(db, id, { startsAt: new Date(Date.now() - 30 * DAY), ...pool });
  return slug;
}

async function check(slug: string, amount: number, email: string, receivedOn = daysAgo(2)) {
  const res = await request(h.url).post('/api/admin/offline-gifts').set(auth)
    .send({ campaign: slug, amount, currency: 'usd', receivedOn, method: 'check', reference: `${++seq}`, email });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

async function give(slug: string, amount: number, email: string) {
  const pledge = await h.pledge({ campaign: slug, amount, email } as Parameters<Harness['pledge']>[0]);
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: 'succeeded' });
  const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent.latest_charge'] });
  await h.emulator.flushDeliveries();
  return (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
}

const matchOf = async (charge: Stripe.Charge) =>
  (await allocationsOf(db, poolId)).find((a) => a.chargeId === charge.id || a.paymentIntentId === charge.payment_intent);

describe('first-time donors across offline and online gifts', () => {
  it('a donor whose check came in earlier is not a first-time donor online', async () => {
    const slug = await campaignWithPool({ cap: 1_000_000, qualifies: 'first_time' });
    const gift = await check(slug, 5000, 'Check.Writer@example.org');
    expect((await allocationsOf(db, poolId)).map((a) => [a.sourceId, a.amount])).toEqual([[gift.id, 5000]]);
    const online = await give(slug, 2000, 'check.writer@example.org');
    expect(await matchOf(online)).toBeUndefined();
    expect(await poolBooks(db, poolId)).toMatchObject({ allocated: 5000 });
  });

  it('a voided earlier check does not count: the online gift is the first', async () => {
    const slug = await campaignWithPool({ cap: 1_000_000, qualifies: 'first_time' });
    const gift = await check(slug, 5000, 'voided.check@example.org');
    await request(h.url).post(`/api/admin/offline-gifts/${gift.id}/void`).set(auth).send({ reason: 'Bounced' }).expect(200);
    const online = await give(slug, 2000, 'voided.check@example.org');
    expect(await matchOf(online)).toMatchObject({ amount: 2000 });
  });

  it('a second check by the same donor is not matched, nor a check after an online gift', async () => {
    const zone = morningZone();
    const slug = await campaignWithPool({ cap: 1_000_000, qualifies: 'first_time' }, zone.timezone);
    const first = await check(slug, 5000, 'two.checks@example.org', daysAgo(3));
    const second = await check(slug, 5000, 'two.checks@example.org', daysAgo(3));
    await give(slug, 2000, 'online.first@example.org');
    const late = await check(slug, 5000, 'online.first@example.org', dayIn(zone.offset));
    const allocations = await allocationsOf(db, poolId);
    expect(allocations.filter((a) => a.amount > 0).map((a) => a.sourceId)).toContain(first.id);
    expect(allocations.map((a) => a.sourceId)).not.toContain(second.id);
    expect(allocations.map((a) => a.sourceId)).not.toContain(late.id);
  });
});

describe('per-donor cap across offline and online gifts', () => {
  it('counts a check and a Stripe gift by the same email together', async () => {
    const slug = await campaignWithPool({ cap: 1_000_000, perDonorCap: 6000 });
    await check(slug, 5000, 'Both.Ways@example.org');
    const online = await give(slug, 3000, 'both.ways@example.org');
    expect(await matchOf(online)).toMatchObject({ amount: 1000, donorEmail: 'both.ways@example.org' });
    expect(await poolBooks(db, poolId)).toMatchObject({ allocated: 6000 });
  });
});
