// The inbox's fast path (src/webhooks/checkout-fast-path.ts, one SQL function) and the TypeScript
// path must keep the same books. Random sequences of checkout and refund events (duplicates, any
// order, refunds before their checkout, pledges found only by the id Stripe carries back, amounts
// that disagree with the pledge, pools with small caps and per-donor caps running out, a pool's
// window closing mid-sequence, a first-time pool) are applied once with the fast path and once
// through the TypeScript path alone, each on its own database seeded alike; payments, pledges,
// totals, match allocations and pools, queued receipts and the inbox's rows must end identical.
import fc from 'fast-check';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createManageLinks } from '../../../src/manage/manage-links.ts';
import { paymentMatches } from '../../../src/matching/index.ts';
import { receiptNotices } from '../../../src/receipts/receipt-notices.ts';
import { createLedgerGateway } from '../../../src/stripe/stripe-ledger-gateway.ts';
import { createCheckoutFastPath, type CheckoutFastPath } from '../../../src/webhooks/checkout-fast-path.ts';
import { createInboxStore } from '../../../src/webhooks/inbox-transaction.ts';
import { createWebhookInbox } from '../../../src/webhooks/webhook-inbox.ts';
import { testConfig } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';

const logger = createLogger('silent');
const config = testConfig();
const BASE = 1_790_000_000; // seconds: every event's `created`, and the pools' windows, count from here
const at = (s: number) => new Date((BASE + s) * 1000);
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

// C1: two pools (a small cap and a per-donor cap at 2x; a window that closes at BASE+6); C2: a
// first-time pool (the fast path declines it) beside a small one; C3: no pool.
const CAMPAIGNS = [uuid(1), uuid(2), uuid(3)];
const POOLS = [
  { id: uuid(11), campaign: 0, cap: 3000, perDonorCap: 2500, multiplier: 2, qualifies: 'all', ends: 1000 },
  { id: uuid(12), campaign: 0, cap: 4000, perDonorCap: null, multiplier: 1, qualifies: 'all', ends: 6 },
  { id: uuid(13), campaign: 1, cap: 100000, perDonorCap: null, multiplier: 1, qualifies: 'first_time', ends: 1000 },
  { id: uuid(14), campaign: 1, cap: 1500, perDonorCap: null, multiplier: 1, qualifies: 'all', ends: 1000 },
] as const;
const EMAILS = ['ann@example.org', 'Ann@Example.org', 'bob@example.org', 'cy@example.org'];

type Kind = 'paid' | 'async' | 'flagged' | 'refunded' | 'byHint' | 'unknownSession' | 'asyncFailed';
interface GiftSpec {
  kind: Kind;
  campaign: number;
  email: number;
  amount: number;
  coveredFee: number;
  refund: number;
}

const giftSpec = fc.record({
  kind: fc.constantFrom<Kind>('paid', 'paid', 'paid', 'async', 'flagged', 'refunded', 'byHint', 'unknownSession', 'asyncFailed'),
  campaign: fc.integer({ min: 0, max: 2 }),
  email: fc.integer({ min: 0, max: EMAILS.length - 1 }),
  amount: fc.integer({ min: 500, max: 2500 }),
  coveredFee: fc.constantFrom(0, 0, 45),
  refund: fc.integer({ min: 1, max: 2500 }),
});

const sequenceSpec = fc.record({
  gifts: fc.array(giftSpec, { minLength: 1, maxLength: 7 }),
  // Per event, in the order generated: how many times it is delivered, and a key that orders it.
  deliveries: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 20, maxLength: 20 }),
  order: fc.array(fc.nat(), { minLength: 20, maxLength: 20 }),
});

function envelope(id: string, type: string, created: number, object: Record<string, unknown>): Stripe.Event {
  return {
    id, object: 'event', type, created: BASE + created, livemode: false, api_version: '2026-10-28.endive',
    pending_webhooks: 0, request: null, data: { object },
  } as unknown as Stripe.Event;
}

function session(g: GiftSpec, i: number, paid: boolean) {
  // A session of no pledge of ours carries an id Stripe made up, or another service's.
  const pledgeId = uuid(g.kind === 'unknownSession' ? 900 + i : 100 + i);
  return {
    id: `cs_fast_${i}`, object: 'checkout.session', mode: 'payment', payment_status: paid ? 'paid' : 'unpaid',
    amount_total: g.kind === 'flagged' ? g.amount + 100 : g.amount, currency: 'usd', payment_intent: `pi_fast_${i}`,
    customer: `cus_fast_${i}`, subscription: null, client_reference_id: pledgeId, metadata: { pledge_id: pledgeId },
  };
}

/** The events Stripe would send about one gift, each with its own moment. */
function eventsOf(g: GiftSpec, i: number): Stripe.Event[] {
  const t = 2 * i + 1;
  switch (g.kind) {
    case 'async':
    case 'asyncFailed':
      return [
        envelope(`evt_fast_${i}_c`, 'checkout.session.completed', t, session(g, i, false)),
        envelope(`evt_fast_${i}_a`, g.kind === 'async' ? 'checkout.session.async_payment_succeeded' : 'checkout.session.async_payment_failed', t + 1, session(g, i, g.kind === 'async')),
      ];
    case 'refunded':
      return [
        envelope(`evt_fast_${i}_c`, 'checkout.session.completed', t, session(g, i, true)),
        envelope(`evt_fast_${i}_r`, 'charge.refunded', t + 1, {
          id: `ch_fast_${i}`, object: 'charge', payment_intent: `pi_fast_${i}`, amount: g.amount, amount_refunded: Math.min(g.refund, g.amount),
          currency: 'usd', refunded: g.refund >= g.amount,
        }),
      ];
    default:
      return [envelope(`evt_fast_${i}_c`, 'checkout.session.completed', t, session(g, i, true))];
  }
}

/** Every delivery, duplicates included, in the sequence's order. */
function deliveries(spec: { gifts: GiftSpec[]; deliveries: number[]; order: number[] }): Stripe.Event[] {
  const events = spec.gifts.flatMap((g, i) => eventsOf(g, i));
  const keyed = events.flatMap((e, k) => Array.from({ length: spec.deliveries[k % 20]! }, (_, d) => ({ e, key: spec.order[(k + d * 7) % 20]! * 100 + k })));
  return keyed.sort((a, b) => a.key - b.key).map((x) => x.e);
}

async function seed(db: TestDatabase, gifts: GiftSpec[]): Promise<void> {
  await truncateAll(db);
  for (const [n, id] of CAMPAIGNS.entries()) {
    await db.prisma.campaign.create({
      data: {
        id, slug: `fast-${n}`, title: `Campaign ${n}`, description: 'Fast path agreement', goal: 1_000_000n, currency: 'usd',
        startsAt: at(-86_400), endsAt: at(86_400 * 30), presetAmounts: [1000],
      },
    });
  }
  for (const p of POOLS) {
    await db.prisma.matchPool.create({
      data: {
        id: p.id, campaignId: CAMPAIGNS[p.campaign]!, sponsor: `Sponsor ${p.id.slice(-2)}`, currency: 'usd', cap: BigInt(p.cap),
        perDonorCap: p.perDonorCap === null ? null : BigInt(p.perDonorCap), multiplier: p.multiplier, qualifies: p.qualifies,
        startsAt: at(-86_400), endsAt: at(p.ends),
      },
    });
  }
  for (const [i, g] of gifts.entries()) {
    await db.prisma.pledge.create({
      data: {
        id: uuid(100 + i), campaignId: CAMPAIGNS[g.campaign]!, amount: g.amount, coveredFee: Math.min(g.coveredFee, g.amount),
        coverFees: g.coveredFee > 0, currency: 'usd', frequency: 'once', email: EMAILS[g.email]!, name: i % 2 ? `Donor ${i}` : null,
        // A pledge whose session id was never saved is found by the id Stripe carries back.
        checkoutSessionId: g.kind === 'byHint' || g.kind === 'unknownSession' ? null : `cs_fast_${i}`,
      },
    });
  }
}

/** The books, keyed by what both databases share (Stripe's ids, the seeded ids), not by row ids. */
async function books(db: TestDatabase) {
  const q = async (sql: string) => (await db.pool.query(sql)).rows;
  return {
    payments: await q(`SELECT stripe_payment_intent_id AS pi, pledge_id::text, campaign_id::text, status::text, currency, amount, covered_fee,
        amount_refunded, charge_amount_refunded, stripe_charge_id, flag, paid_at, dispute_status::text
      FROM payments ORDER BY stripe_payment_intent_id`),
    pledges: await q(`SELECT id::text, status::text, checkout_session_id, stripe_customer_id, completed_at IS NOT NULL AS completed
      FROM pledges ORDER BY id`),
    totals: await q(`SELECT campaign_id::text, sum(raised)::int AS raised, sum(pending)::int AS pending, sum(refunded)::int AS refunded,
        sum(donors)::int AS donors, sum(donations)::int AS donations
      FROM campaign_total_shards GROUP BY campaign_id ORDER BY campaign_id`),
    allocations: await q(`SELECT a.pool_id::text, p.stripe_payment_intent_id AS pi, a.source, a.series, a.donor_email, a.currency,
        a.gift_amount, a.original::int, a.amount::int, a.gift_at, a.reversed_at IS NOT NULL AS reversed
      FROM match_allocations a JOIN payments p ON p.id = a.payment_id ORDER BY a.pool_id, p.stripe_payment_intent_id`),
    pools: await q('SELECT id::text, allocated::int FROM match_pools ORDER BY id'),
    outbox: await q(`SELECT replace(o.dedupe_key, p.id::text, p.stripe_payment_intent_id) AS key, o.kind, o.to_address, o.subject,
        o.html, o.text, o.headers, o.status::text
      FROM email_outbox o LEFT JOIN payments p ON o.dedupe_key = 'receipt:' || p.id ORDER BY 1`),
    events: await q(`SELECT id, type, status::text, waiting_for, last_error, attempts, source FROM webhook_events ORDER BY id`),
  };
}

/** The fast path, counting what it took and what it left to the TypeScript path. */
function counted(fast: CheckoutFastPath, tally: { took: number; declined: number }): CheckoutFastPath {
  return {
    async apply(...args) {
      const outcome = await fast.apply(...args);
      if (outcome) tally.took++;
      else tally.declined++;
      return outcome;
    },
  };
}

function inboxFor(db: TestDatabase, fastPath?: (fast: CheckoutFastPath) => CheckoutFastPath) {
  const links = createManageLinks({ client: db.admin.prisma, configuredSecret: undefined, publicUrl: config.publicUrl, clock: () => at(0) });
  const notices = receiptNotices({ org: config.org, domain: 'donate.test', links, logger, clock: () => at(0) });
  const fast = fastPath && createCheckoutFastPath({ pool: db.pool, notices });
  return createWebhookInbox({
    store: createInboxStore(db, { notices, matches: paymentMatches }),
    // Never called: no checkout or refund handler reads Stripe first.
    gateway: createLedgerGateway(new Stripe('sk_test_unused')),
    logger,
    scope: { livemode: false },
    fastPath: fast ? fastPath(fast) : undefined,
  });
}

let withFast: TestDatabase;
let tsOnly: TestDatabase;
beforeAll(async () => {
  [withFast, tsOnly] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([withFast?.drop(), tsOnly?.drop()]);
});

describe('the fast path and the TypeScript path', () => {
  it('leave the same books over random event sequences', async () => {
    const tally = { took: 0, declined: 0 };
    const fastInbox = inboxFor(withFast, (fast) => counted(fast, tally));
    const tsInbox = inboxFor(tsOnly);
    await fc.assert(
      fc.asyncProperty(sequenceSpec, async (spec) => {
        await Promise.all([seed(withFast, spec.gifts), seed(tsOnly, spec.gifts)]);
        const sequence = deliveries(spec);
        const outcomes = { fast: [] as string[], ts: [] as string[] };
        for (const event of sequence) {
          outcomes.fast.push((await fastInbox.receive(structuredClone(event))).status);
          outcomes.ts.push((await tsInbox.receive(structuredClone(event))).status);
        }
        expect(outcomes.fast).toEqual(outcomes.ts);
        expect(await books(withFast)).toEqual(await books(tsOnly));
      }),
      { numRuns: 40 },
    );
    // The property says something only if both paths were taken: the fast one, and its declines.
    expect(tally.took).toBeGreaterThan(20);
    expect(tally.declined).toBeGreaterThan(20);
  }, 240_000);

  it('takes the common case in one statement, and a duplicate of it finds the row, also concurrently', async () => {
    const gifts: GiftSpec[] = Array.from({ length: 12 }, (_, i) => ({ kind: 'paid', campaign: 0, email: i % 4, amount: 800 + i, coveredFee: 0, refund: 0 }));
    const tally = { took: 0, declined: 0 };
    const fastInbox = inboxFor(withFast, (fast) => counted(fast, tally));
    const tsInbox = inboxFor(tsOnly);
    await Promise.all([seed(withFast, gifts), seed(tsOnly, gifts)]);
    const events = gifts.flatMap((g, i) => eventsOf(g, i));
    // Every event twice, all at once: one of each pair applies, the other is a duplicate.
    const fastOutcomes = await Promise.all([...events, ...events].map((e) => fastInbox.receive(structuredClone(e))));
    for (const e of events) await tsInbox.receive(structuredClone(e));
    expect(fastOutcomes.filter((o) => o.status === 'processed')).toHaveLength(events.length);
    expect(fastOutcomes.filter((o) => o.status === 'duplicate')).toHaveLength(events.length);
    expect(tally).toEqual({ took: 2 * events.length, declined: 0 });
    // Concurrently the pools' caps are given in another order than one by one: only sums compare.
    const [fast, ts] = [await books(withFast), await books(tsOnly)];
    expect(fast.totals).toEqual(ts.totals);
    expect(fast.payments).toEqual(ts.payments);
    expect(fast.pledges).toEqual(ts.pledges);
    expect(fast.events).toEqual(ts.events);
    expect(fast.pools).toEqual(ts.pools);
    expect(fast.outbox).toHaveLength(events.length);
    const allocated = (b: typeof fast) => b.allocations.reduce((sum, a) => sum + a.amount, 0);
    expect(allocated(fast)).toBe(allocated(ts));
  }, 60_000);
});
