// Deliveries switched off (STRIPE_EMULATOR_WEBHOOKS=off): reconciliation alone must bring the
// ledger to what delivery would have, and running it again (or the CLI) changes nothing.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { createLedgerGateway } from '../../../src/stripe/stripe-ledger-gateway.ts';
import { createInboxStore } from '../../../src/webhooks/inbox-transaction.ts';
import { eventHandlers } from '../../../src/webhooks/event-handlers.ts';
import { recoverMissedEvents } from '../../../src/webhooks/event-recovery-service.ts';
import { createWebhookInbox } from '../../../src/webhooks/webhook-inbox.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { inbox, payments, recomputedTotals, startHarness, totals, type Harness } from './webhook-harness.ts';

let db: TestDatabase;
let h: Harness;
let campaignId: string;
const run = promisify(execFile);

function reconciler() {
  const logger = createLogger('silent');
  const gateway = createLedgerGateway(h.stripe);
  return (since: Date) => recoverMissedEvents({ db, gateway, inbox: createWebhookInbox({ store: createInboxStore(db), gateway, logger, scope: { livemode: false } }), logger }, { since });
}

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db, { deliverWebhooks: false });
  campaignId = (await insertCampaign(db, { slug: 'recon' })).id;
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

async function stripeRaised(stripe: Stripe) {
  const charges = (await stripe.charges.list({ limit: 100 })).data.filter((c) => c.status === 'succeeded');
  const disputes = (await stripe.disputes.list({ limit: 100 })).data;
  return charges.reduce((sum, c) => {
    const d = disputes.find((x) => x.charge === c.id);
    return sum + c.amount - c.amount_refunded - (d && d.status !== 'won' ? d.amount : 0);
  }, 0);
}

describe('reconcile', () => {
  it('rebuilds from Stripe’s events what deliveries would have brought, and a second run changes nothing', async () => {
    const since = new Date(Date.now() - 60_000);
    const card = await h.pledge({ campaign: 'recon', amount: 5000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${card.checkoutSessionId}/pay`);
    const sepa = await h.pledge({ campaign: 'recon', amount: 3000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${sepa.checkoutSessionId}/pay`, { outcome: 'delayed' });
    await h.helper(`/v1/test_helpers/checkout/sessions/${sepa.checkoutSessionId}/settle`);
    const pi = (await h.stripe.checkout.sessions.retrieve(card.checkoutSessionId)).payment_intent as string;
    await h.stripe.refunds.create({ payment_intent: pi, amount: 2000 });
    const disputed = await h.pledge({ campaign: 'recon', amount: 4000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${disputed.checkoutSessionId}/pay`);
    const charge = (await h.stripe.charges.list({ payment_intent: (await h.stripe.checkout.sessions.retrieve(disputed.checkoutSessionId)).payment_intent as string })).data[0]!;
    await h.helper(`/v1/test_helpers/charges/${charge.id}/dispute`);
    const monthly = await h.pledge({ campaign: 'recon', amount: 1000, frequency: 'monthly' });
    await h.helper(`/v1/test_helpers/checkout/sessions/${monthly.checkoutSessionId}/pay`);
    const sub = (await h.stripe.checkout.sessions.retrieve(monthly.checkoutSessionId)).subscription as string;
    await h.helper(`/v1/test_helpers/subscriptions/${sub}/renew`);
    const payout = (await h.helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts')).data[0]!;

    expect(await inbox(db)).toEqual([]);
    const first = await reconciler()(since);
    expect(first.events.alreadyStored).toBe(0);
    // 4 checkouts completed, 1 settled bank debit (its charge pending, then its fee), 1 refund,
    // 1 dispute, 2 invoices paid, 1 payout, 2 subscription updates (active at the start, the
    // renewal's new period): every event Stripe made of a type the service handles.
    const handled = h.emulator.events.filter((e) => e.type in eventHandlers).length;
    expect(handled).toBeGreaterThanOrEqual(10);
    expect(first.events.listed).toBe(handled);
    // Oldest first: a bank debit's charge.pending precedes its session's completion, so it waits
    // (deferred) and is applied when the completion comes; nothing is left waiting at the end.
    expect(first.events.applied).toEqual({ processed: handled - 1, deferred: 1 });
    expect(first.inbox).toMatchObject({ failed: 0, deferred: 0, received: 0 });

    const expected = { raised: 3000 + 3000 + 0 + 2000, pending: 0, refunded: 2000, disputed: 4000, donors: 4, donations: 5 };
    expect(await totals(db, campaignId)).toEqual(expected);
    expect(expected.raised).toBe(await stripeRaised(h.stripe));
    expect(await recomputedTotals(db, campaignId)).toEqual(expected);
    const rows = await payments(db);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.fee !== null && r.payoutId === payout.id)).toBe(true);

    const before = { rows, inbox: await inbox(db) };
    const second = await reconciler()(since);
    expect(second.events.alreadyStored).toBe(second.events.listed);
    expect(second.events.applied).toEqual({});
    expect({ rows: await payments(db), inbox: await inbox(db) }).toEqual(before);
    expect(await totals(db, campaignId)).toEqual(expected);
  });

  it('learns a completed session from the session itself when no event is listed, and fills missing fees', async () => {
    const late = await h.pledge({ campaign: 'recon', amount: 2500 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${late.checkoutSessionId}/pay`);
    await db.pool.query('UPDATE payments SET fee = NULL, net = NULL WHERE stripe_invoice_id IS NOT NULL');
    const raisedBefore = (await totals(db, campaignId)).raised;

    // An events window that starts after everything happened: only the pending pledge's session tells.
    const summary = await reconciler()(new Date(Date.now() + 3_600_000));
    expect(summary.events.listed).toBe(0);
    expect(summary.sessions).toEqual({ checked: 1, applied: 1 });
    // The two invoices made fee-less above, and the late session recorded by reconcile itself.
    expect(summary.fees).toMatchObject({ missing: 3, filled: 3 });
    expect((await totals(db, campaignId)).raised).toBe(raisedBefore + 2500);
    expect((await payments(db, 'fee IS NULL')).length).toBe(0);
    expect((await db.prisma.pledge.findUnique({ where: { id: late.id } }))!.status).toBe('completed');

    // Its real event, reconciled later, is a different id for the same fact: counted once.
    await reconciler()(new Date(Date.now() - 3_600_000));
    expect((await totals(db, campaignId)).raised).toBe(raisedBefore + 2500);
  });

  it('runs as `npm run reconcile -- --since DATE` and prints a summary', async () => {
    const { stdout } = await run('npx', ['tsx', 'scripts/reconcile.ts', '--since', new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)], {
      cwd: process.cwd(),
      env: {
        ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: db.url,
        STRIPE_API_HOST: '127.0.0.1', STRIPE_API_PORT: String(h.emulator.port), STRIPE_API_PROTOCOL: 'http',
        STRIPE_WEBHOOK_SECRET: 'whsec_cli',
      },
      timeout: 30_000,
    });
    expect(stdout).toMatch(/Reconciled since/);
    expect(stdout).toMatch(/events: +\d+ listed, \d+ already stored, fed: none/);
    expect(stdout).toMatch(/inbox: .*failed 0/);
  }, 40_000);
});
