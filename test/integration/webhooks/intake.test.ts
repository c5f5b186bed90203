// POST /webhooks/stripe with signed payloads shaped like the real fixtures: verification, the
// inbox's exactly-once, transient and permanent failures, replay. Stripe is unreachable here
// (fees are then recorded as unknown, never a reason to fail).
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Conflict, NotFound } from '../../../src/errors.ts';
import { createLogger } from '../../../src/logger.ts';
import { createLedgerGateway } from '../../../src/stripe/stripe-ledger-gateway.ts';
import { createInboxStore } from '../../../src/webhooks/inbox-transaction.ts';
import { createWebhookInbox } from '../../../src/webhooks/webhook-inbox.ts';
import { buildApp, captureLogs, unreachableStripe } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { deliver, inbox, payments, signed, totals } from './webhook-harness.ts';
import { stripeFixture } from '../../helpers/stripe-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let campaignId: string;

async function pledgeFor(data: {
  amount: number; currency?: string; frequency?: 'once' | 'monthly'; checkoutSessionId?: string; stripeSubscriptionId?: string; coveredFee?: number;
}) {
  return db.prisma.pledge.create({
    data: {
      campaignId, amount: data.amount, currency: data.currency ?? 'usd', frequency: data.frequency ?? 'once', email: 'd@example.org',
      coveredFee: data.coveredFee ?? 0, coverFees: (data.coveredFee ?? 0) > 0,
      checkoutSessionId: data.checkoutSessionId ?? null, stripeSubscriptionId: data.stripeSubscriptionId ?? null,
    },
  });
}

/** The real checkout.session.completed, for a pledge of ours in USD. */
function completedFor(sessionId: string, patch: Record<string, unknown> = {}) {
  const event = stripeFixture('checkout.session.completed.payment');
  Object.assign(event.data.object, { id: sessionId, currency: 'usd', ...patch });
  return event;
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
});
afterAll(() => db.drop());
beforeEach(async () => {
  await truncateAll(db);
  campaignId = (await insertCampaign(db, { slug: 'intake' })).id;
});

describe('verification', () => {
  it('refuses unsigned, forged, wrongly keyed, stale and oversized deliveries and stores nothing', async () => {
    await pledgeFor({ amount: 999, checkoutSessionId: 'cs_intake_1' });
    const payload = JSON.stringify(completedFor('cs_intake_1'));
    const post = () => request(app).post('/webhooks/stripe').set('Content-Type', 'application/json');

    const unsigned = await post().send(payload).expect(400);
    expect(unsigned.body.error.code).toBe('missing_signature');

    const forged = signed(payload).replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`);
    expect((await post().set('Stripe-Signature', forged).send(payload).expect(400)).body.error.code).toBe('invalid_signature');

    const tampered = payload.replace('"amount_total":999', '"amount_total":99900');
    await post().set('Stripe-Signature', signed(payload)).send(tampered).expect(400);

    await post().set('Stripe-Signature', signed(payload, 'whsec_someone_else')).send(payload).expect(400);

    const stale = await deliver(app, JSON.parse(payload), { timestamp: Math.floor(Date.now() / 1000) - 301 }).expect(400);
    expect(stale.body.error.code).toBe('invalid_signature');

    const big = JSON.stringify({ ...JSON.parse(payload), padding: 'x'.repeat(600 * 1024) });
    const oversized = await post().set('Stripe-Signature', signed(big)).send(big).expect(400);
    expect(oversized.body.error.code).toBe('payload_too_large');

    expect(await inbox(db)).toEqual([]);
    expect(await payments(db)).toEqual([]);
  });
});

describe('the real fixtures', () => {
  it('records a paid checkout once, without a fee when Stripe is unreachable; a redelivery changes nothing', async () => {
    const pledge = await pledgeFor({ amount: 999, checkoutSessionId: 'cs_intake_paid' });
    const event = completedFor('cs_intake_paid');
    expect((await deliver(app, event).expect(200)).body).toEqual({ received: true, status: 'processed' });
    expect((await deliver(app, event).expect(200)).body).toEqual({ received: true, status: 'duplicate' });
    expect(await payments(db)).toEqual([
      expect.objectContaining({ pledgeId: pledge.id, status: 'succeeded', amount: 999, fee: null, net: null, paymentIntentId: 'pi_1IqxJOJDPojXS6LN9uOebAea' }),
    ]);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 999, donors: 1, donations: 1 });
    expect((await db.prisma.pledge.findUnique({ where: { id: pledge.id } }))!.status).toBe('completed');
    expect(await inbox(db)).toEqual([expect.objectContaining({ id: event.id, status: 'processed', attempts: 1, source: 'webhook' })]);
  });

  it('counts a delayed payment as pending, then raised when async_payment_succeeded arrives', async () => {
    const settled = stripeFixture('checkout.session.async_payment_succeeded');
    await pledgeFor({ amount: 3000, currency: 'eur', checkoutSessionId: settled.data.object.id });
    const completed = structuredClone(settled);
    Object.assign(completed, { id: 'evt_intake_completed_unpaid', type: 'checkout.session.completed' });
    completed.data.object.payment_status = 'unpaid';
    await deliver(app, completed).expect(200);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 0, pending: 3000, donations: 0 });
    await deliver(app, settled).expect(200);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 3000, pending: 0, donations: 1 });
  });

  it('defers a refund that arrives before its payment and applies it when the payment appears', async () => {
    const refund = stripeFixture('charge.refunded');
    await pledgeFor({ amount: 2500, checkoutSessionId: 'cs_intake_refund' });
    expect((await deliver(app, refund).expect(200)).body.status).toBe('deferred');
    expect(await inbox(db)).toEqual([expect.objectContaining({ status: 'deferred', waitingFor: `pi:${refund.data.object.payment_intent}` })]);
    await deliver(app, completedFor('cs_intake_refund', { amount_total: 2500, payment_intent: refund.data.object.payment_intent })).expect(200);
    expect(await payments(db)).toEqual([expect.objectContaining({ amount: 2500, amountRefunded: 2500, chargeId: refund.data.object.id })]);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 0, refunded: 2500, donations: 1 });
    expect((await inbox(db)).map((e) => e.status)).toEqual(['processed', 'processed']);
  });

  it('withdraws disputed money on charge.dispute.created; a closed inquiry is kept and moves no money', async () => {
    const created = stripeFixture('charge.dispute.created');
    await pledgeFor({ amount: 100, checkoutSessionId: 'cs_intake_dispute' });
    await deliver(app, completedFor('cs_intake_dispute', { amount_total: 100, payment_intent: created.data.object.payment_intent })).expect(200);
    await deliver(app, created).expect(200);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 0, disputed: 100 });
    const closed = stripeFixture('charge.dispute.closed');
    expect((await deliver(app, closed).expect(200)).body.status).toBe('processed');
    expect((await payments(db))[0]).toMatchObject({ disputeStatus: 'open', disputedAmount: 100 });
    const { rows } = await db.pool.query('SELECT status, funds_withdrawn FROM disputes WHERE id = $1', [closed.data.object.id]);
    expect(rows).toEqual([{ status: 'warning_closed', funds_withdrawn: 0 }]);
  });

  it('flags and logs an amount or currency that disagrees with the pledge, and never counts it', async () => {
    const logs = captureLogs('warn');
    const flaggedApp = buildApp(db, { logger: logs.logger });
    await pledgeFor({ amount: 1000, checkoutSessionId: 'cs_intake_flag' });
    await deliver(flaggedApp, completedFor('cs_intake_flag')).expect(200);
    expect((await payments(db))[0]).toMatchObject({ amount: 999, flag: "amount 999 differs from the pledge's 1000" });
    expect(await totals(db, campaignId)).toMatchObject({ raised: 0, donations: 0 });
    expect(logs.entries().some((l) => l.level === 40 && /flagged/.test(l.msg) && l.eventId)).toBe(true);

    await pledgeFor({ amount: 999, currency: 'usd', checkoutSessionId: 'cs_intake_flag_eur' });
    const eur = completedFor('cs_intake_flag_eur', { currency: 'eur', payment_intent: 'pi_intake_eur' });
    eur.id = 'evt_intake_eur';
    await deliver(app, eur).expect(200);
    expect((await payments(db, "stripe_payment_intent_id = 'pi_intake_eur'"))[0].flag).toMatch(/currency eur/);
  });

  it('reads the pre-basil invoice.paid: subscription at the top level, payment_intent at the top level', async () => {
    const paid = stripeFixture('invoice.paid.delivery');
    const pledge = await pledgeFor({ amount: 700, frequency: 'monthly', stripeSubscriptionId: paid.data.object.subscription });
    expect((await deliver(app, paid).expect(200)).body.status).toBe('ignored'); // a $0 trial invoice
    expect((await db.prisma.pledge.findUnique({ where: { id: pledge.id } }))!).toMatchObject({ status: 'completed', subscriptionStatus: 'active' });

    const withMoney = structuredClone(paid);
    withMoney.id = 'evt_intake_invoice_money';
    Object.assign(withMoney.data.object, { id: 'in_intake_money', amount_paid: 700, payment_intent: 'pi_intake_invoice', charge: 'ch_intake_invoice' });
    await deliver(app, withMoney).expect(200);
    expect(await payments(db)).toEqual([expect.objectContaining({ invoiceId: 'in_intake_money', paymentIntentId: 'pi_intake_invoice', amount: 700, status: 'succeeded' })]);
  });

  it('links a subscription checkout without counting money, and cancels on customer.subscription.deleted', async () => {
    const session = stripeFixture('checkout.session.completed.subscription.delivery');
    const pledge = await pledgeFor({ amount: 700, frequency: 'monthly', checkoutSessionId: session.data.object.id });
    await deliver(app, session).expect(200);
    expect(await db.prisma.pledge.findUnique({ where: { id: pledge.id } })).toMatchObject({
      status: 'completed', stripeSubscriptionId: session.data.object.subscription, stripeCustomerId: session.data.object.customer,
    });
    expect(await payments(db)).toEqual([]);

    const deleted = stripeFixture('customer.subscription.deleted');
    deleted.data.object.id = session.data.object.subscription;
    await deliver(app, deleted).expect(200);
    expect(await db.prisma.pledge.findUnique({ where: { id: pledge.id } })).toMatchObject({ status: 'cancelled', subscriptionStatus: 'canceled' });
  });

  it('expires the pledge of an expired session; stores sessions and types not ours as ignored', async () => {
    const expired = stripeFixture('checkout.session.expired');
    const pledge = await pledgeFor({ amount: 1000, checkoutSessionId: expired.data.object.id });
    await deliver(app, expired).expect(200);
    expect((await db.prisma.pledge.findUnique({ where: { id: pledge.id } }))!.status).toBe('expired');

    expect((await deliver(app, completedFor('cs_not_ours')).expect(200)).body.status).toBe('ignored');
    const unknown = { ...stripeFixture('charge.refunded'), id: 'evt_intake_unknown', type: 'customer.created' };
    expect((await deliver(app, unknown).expect(200)).body.status).toBe('ignored');
    expect((await inbox(db)).map((e) => e.status)).toEqual(['processed', 'ignored', 'ignored']);
    expect(await payments(db)).toEqual([]);
  });
});

describe('exactly once', () => {
  it('applies the same event delivered ten times at once exactly once', async () => {
    await pledgeFor({ amount: 999, checkoutSessionId: 'cs_intake_concurrent' });
    const event = completedFor('cs_intake_concurrent');
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(app, event)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.filter((r) => r.body.status === 'processed')).toHaveLength(1);
    expect(await payments(db)).toHaveLength(1);
    expect(await inbox(db)).toHaveLength(1);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 999, donations: 1, donors: 1 });
  });

  it('answers 5xx and keeps nothing when the database fails mid-apply; the retry then counts once', async () => {
    const pledge = await pledgeFor({ amount: 999, checkoutSessionId: 'cs_intake_dbfail' });
    // Fails after the payment row (and its roll-up into the totals) was written.
    await db.pool.query(`
      CREATE FUNCTION fail_after_payment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'storage went away' USING ERRCODE = '58030'; END $$;
      CREATE TRIGGER fail_after_payment AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION fail_after_payment();`);
    const event = completedFor('cs_intake_dbfail');
    const res = await deliver(app, event);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.error.code).toBeDefined();
    expect(await inbox(db)).toEqual([]);
    expect(await payments(db)).toEqual([]);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 0, donations: 0 });
    expect((await db.prisma.pledge.findUnique({ where: { id: pledge.id } }))!).toMatchObject({ status: 'pending' });

    await db.pool.query('DROP TRIGGER fail_after_payment ON payments; DROP FUNCTION fail_after_payment();');
    expect((await deliver(app, event).expect(200)).body.status).toBe('processed');
    expect(await payments(db)).toHaveLength(1);
    expect(await totals(db, campaignId)).toMatchObject({ raised: 999, donations: 1 });
  });

  it('answers 503 and stores nothing when Stripe cannot be reached for what the event needs (a payout)', async () => {
    const payout = {
      id: 'evt_intake_payout', object: 'event', api_version: '2026-10-28.endive', created: Math.floor(Date.now() / 1000), livemode: false,
      pending_webhooks: 1, request: { id: null, idempotency_key: null }, type: 'payout.paid',
      data: { object: { id: 'po_intake', object: 'payout', amount: 999, currency: 'usd', status: 'paid', arrival_date: Math.floor(Date.now() / 1000) } },
    };
    const res = await deliver(app, payout).expect(503);
    expect(res.body.error.code).toBe('stripe_unavailable');
    expect(await inbox(db)).toEqual([]);
  });

  it('stores an event that can never apply as failed (200), and replays it by id once the cause is fixed', async () => {
    await pledgeFor({ amount: 999, checkoutSessionId: 'cs_intake_permanent' });
    await db.pool.query(`
      CREATE FUNCTION reject_payment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'bad data' USING ERRCODE = '22023'; END $$;
      CREATE TRIGGER reject_payment AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION reject_payment();`);
    const event = completedFor('cs_intake_permanent');
    expect((await deliver(app, event).expect(200)).body.status).toBe('failed');
    expect(await inbox(db)).toEqual([expect.objectContaining({ id: event.id, status: 'failed', attempts: 1, lastError: expect.stringMatching(/bad data/) })]);
    expect(await payments(db)).toEqual([]);
    expect((await deliver(app, event).expect(200)).body.status).toBe('duplicate');

    const replayer = createWebhookInbox({ store: createInboxStore(db), gateway: createLedgerGateway(unreachableStripe()), logger: createLogger('silent'), scope: { livemode: false } });
    expect(await replayer.replay(event.id)).toMatchObject({ status: 'failed' });
    expect((await inbox(db))[0]).toMatchObject({ status: 'failed', attempts: 2 });

    await db.pool.query('DROP TRIGGER reject_payment ON payments; DROP FUNCTION reject_payment();');
    expect(await replayer.replay(event.id)).toEqual({ status: 'processed' });
    expect((await inbox(db))[0]).toMatchObject({ status: 'processed', attempts: 3, lastError: null });
    expect(await payments(db)).toHaveLength(1);
    await expect(replayer.replay(event.id)).rejects.toBeInstanceOf(Conflict);
    await expect(replayer.replay('evt_missing')).rejects.toBeInstanceOf(NotFound);
  });
});
