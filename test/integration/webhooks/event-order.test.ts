// Stripe delivers in no particular order. Every order of a pledge's events must end in the same
// state: the same payments, pledge state, totals, and nothing left waiting in the inbox. The
// events are real ones made by the emulator (deliveries off), delivered signed in each order.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, emulatorStripe, startEmulator, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import type { StripeEmulator } from 'stripe-emulator';
import request from 'supertest';
import { deliver, inbox, payments, totals } from './webhook-harness.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let stripe: Stripe;
let app: ReturnType<typeof buildApp>;
let campaignId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  stripe = emulatorStripe(emulator);
  app = buildApp(db, { stripe, checkoutOrigin: emulator.url, config: testConfig() });
  campaignId = (await insertCampaign(db, { slug: 'order' })).id;
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const helper = async (path: string, params: Record<string, unknown> = {}) => (await stripe.rawRequest('POST', path, params)) as any;

async function newPledge(amount: number, frequency: 'once' | 'monthly' = 'once') {
  const res = await request(app).post('/api/pledges').send({ campaign: 'order', amount, currency: 'usd', frequency, email: 'o@example.org' }).expect(201);
  return res.body as { id: string; checkoutSessionId: string };
}

/** The events the emulator made since `mark`, of the given types, in Stripe's order. */
function eventsSince(mark: number, types: string[]): Stripe.Event[] {
  return emulator.events.slice(mark).filter((e) => types.includes(e.type));
}

/** Forgets everything the ledger learnt about these pledges, so the next order starts clean. */
async function reset(pledgeIds: string[]) {
  await db.pool.query('DELETE FROM payments WHERE pledge_id = ANY($1::uuid[])', [pledgeIds]);
  await db.pool.query('DELETE FROM webhook_events');
  await db.pool.query('DELETE FROM refunds');
  await db.pool.query('DELETE FROM disputes');
  await db.pool.query('DELETE FROM invoice_attempts');
  await db.pool.query('DELETE FROM payouts');
  await db.pool.query('DELETE FROM payout_items');
  await db.pool.query('DELETE FROM campaign_total_shards');
  await db.pool.query(
    `UPDATE pledges SET status = 'pending', completed_at = NULL, stripe_subscription_id = NULL, stripe_customer_id = NULL,
       subscription_status = NULL, subscription_status_at = NULL WHERE id = ANY($1::uuid[])`,
    [pledgeIds],
  );
}

async function state(pledgeIds: string[]) {
  await app.fees.idle(); // fees are read from Stripe after the webhook commits
  const pledges = await db.pool.query(
    'SELECT status::text, stripe_subscription_id IS NOT NULL AS linked, subscription_status FROM pledges WHERE id = ANY($1::uuid[]) ORDER BY id',
    [pledgeIds],
  );
  const rows = (await payments(db, 'pledge_id = ANY($1::uuid[])', [pledgeIds])).sort((a, b) =>
    `${a.invoiceId}${a.paymentIntentId}`.localeCompare(`${b.invoiceId}${b.paymentIntentId}`),
  );
  const disputes = await db.pool.query('SELECT id, status, funds_withdrawn, funds_reinstated, fee, evidence_due_by FROM disputes ORDER BY id');
  const attempts = await db.pool.query('SELECT invoice_id, attempt_count, next_payment_attempt, action_required FROM invoice_attempts ORDER BY invoice_id');
  const payouts = await db.pool.query('SELECT id, status, amount, arrival_date, failure_code, carried FROM payouts ORDER BY id');
  return {
    pledges: pledges.rows,
    payments: rows,
    disputes: disputes.rows,
    attempts: attempts.rows,
    payouts: payouts.rows,
    totals: await totals(db, campaignId),
    inbox: (await inbox(db)).map((e) => e.status).sort(),
  };
}

async function everyOrder(events: Stripe.Event[], pledgeIds: string[]) {
  const outcomes = new Map<string, string[][]>();
  for (const order of permutations(events)) {
    await reset(pledgeIds);
    for (const event of order) await deliver(app, event).expect(200);
    const key = JSON.stringify(await state(pledgeIds));
    outcomes.set(key, [...(outcomes.get(key) ?? []), order.map((e) => e.type)]);
  }
  return outcomes;
}

describe('any order of a pledge’s events ends in one state', () => {
  it('one-time gift: completed, partial refund, further refund, dispute opened, dispute won (120 orders)', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(5000);
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const session = await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent'] });
    const chargeId = (session.payment_intent as Stripe.PaymentIntent).latest_charge as string;
    await stripe.refunds.create({ charge: chargeId, amount: 1000 });
    await stripe.refunds.create({ charge: chargeId, amount: 500 });
    const dispute = await helper(`/v1/test_helpers/charges/${chargeId}/dispute`);
    await helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: 'won' });
    const events = eventsSince(mark, ['checkout.session.completed', 'charge.refunded', 'charge.dispute.created', 'charge.dispute.closed']);
    expect(events).toHaveLength(5);

    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    expect(final.pledges).toEqual([{ status: 'completed', linked: false, subscription_status: null }]);
    expect(final.payments).toEqual([
      expect.objectContaining({ status: 'succeeded', amount: 5000, amountRefunded: 1500, disputeStatus: 'won', disputedAmount: 3500, chargeId, fee: 175 }),
    ]);
    expect(final.totals).toMatchObject({ raised: 3500, refunded: 1500, disputed: 0, donors: 1, donations: 1 });
    expect(final.inbox).toEqual(Array(5).fill('processed'));
  }, 120_000);

  it('delayed payment: completed unpaid, settled, refunded (6 orders); and a lost dispute', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(3000);
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: 'delayed' });
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/settle`);
    const pi = (await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).payment_intent as string;
    await stripe.refunds.create({ payment_intent: pi, amount: 700 });
    const events = eventsSince(mark, ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'charge.refunded']);
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    expect(JSON.parse([...outcomes.keys()][0]!).totals).toMatchObject({ raised: 2300, pending: 0, refunded: 700, donations: 1 });

    const lostMark = emulator.events.length;
    const lost = await newPledge(2500);
    await helper(`/v1/test_helpers/checkout/sessions/${lost.checkoutSessionId}/pay`);
    const charge = (await stripe.charges.list({ payment_intent: (await stripe.checkout.sessions.retrieve(lost.checkoutSessionId)).payment_intent as string })).data[0]!;
    const dispute = await helper(`/v1/test_helpers/charges/${charge.id}/dispute`);
    await helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: 'lost' });
    const lostEvents = eventsSince(lostMark, ['checkout.session.completed', 'charge.dispute.created', 'charge.dispute.closed']);
    const lostOutcomes = await everyOrder(lostEvents, [lost.id]);
    expect(lostOutcomes.size).toBe(1);
    const final = JSON.parse([...lostOutcomes.keys()][0]!);
    expect(final.payments[0]).toMatchObject({ disputeStatus: 'lost', disputedAmount: 2500 });
    expect(final.totals).toMatchObject({ raised: 0, disputed: 2500, donations: 1 });
  }, 60_000);

  it('expired session retried: the old pledge expired, the new one completed, whatever order (6 orders)', async () => {
    const mark = emulator.events.length;
    const key = `order-expiry-${Date.now()}`;
    const post = () => request(app).post('/api/pledges').set('Idempotency-Key', key)
      .send({ campaign: 'order', amount: 1800, currency: 'usd', frequency: 'once', email: 'e@example.org' }).expect(201);
    const first = (await post()).body;
    await helper(`/v1/test_helpers/checkout/sessions/${first.checkoutSessionId}/expire`);
    await db.pool.query(`UPDATE pledges SET status = 'expired' WHERE id = $1`, [first.id]); // as the event will
    const retried = (await post()).body;
    expect(retried.id).not.toBe(first.id);
    await helper(`/v1/test_helpers/checkout/sessions/${retried.checkoutSessionId}/pay`);
    // The late duplicate of the old session's expiry, and the new session's completion.
    const events = eventsSince(mark, ['checkout.session.expired', 'checkout.session.completed']);
    events.push(events[0]!);
    const outcomes = await everyOrder(events, [first.id, retried.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    const byId = [first.id, retried.id].sort();
    expect(final.pledges.map((p: { status: string }) => p.status)).toEqual(byId.map((id) => (id === first.id ? 'expired' : 'completed')));
    expect(final.totals).toMatchObject({ raised: 1800, donors: 1, donations: 1 });
  }, 60_000);

  it('refund that fails after a second refund: the failed one comes back off, whatever order (120 orders)', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(4000);
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const pi = (await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).payment_intent as string;
    const failing = await stripe.refunds.create({ payment_intent: pi, amount: 1000 });
    await helper(`/v1/test_helpers/refunds/${failing.id}/settle`, { outcome: 'failed' });
    const kept = await stripe.refunds.create({ payment_intent: pi, amount: 500 });
    const events = eventsSince(mark, ['checkout.session.completed', 'charge.refunded', 'refund.failed', 'refund.created'])
      .filter((e) => e.type !== 'refund.created' || (e.data.object as { id: string }).id === kept.id);
    expect(events.map((e) => e.type)).toEqual(['checkout.session.completed', 'charge.refunded', 'refund.failed', 'charge.refunded', 'refund.created']);
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    expect(final.payments).toEqual([expect.objectContaining({ amount: 4000, amountRefunded: 500 })]);
    expect(final.totals).toMatchObject({ raised: 3500, refunded: 500, donations: 1 });
  }, 120_000);

  it('bank debit run as Stripe runs it: pending charge, settled in place, its fee later, refunded (120 orders); a failed one (6 orders)', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(3300);
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: 'delayed' });
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/settle`);
    const pi = (await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).payment_intent as string;
    await stripe.refunds.create({ payment_intent: pi, amount: 300 });
    const types = ['charge.pending', 'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'charge.updated', 'charge.refunded'];
    const events = eventsSince(mark, types);
    expect(events.map((e) => e.type)).toEqual(types); // Stripe's own order
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    const charge = (await stripe.charges.list({ payment_intent: pi })).data;
    expect(charge).toHaveLength(1);
    expect(final.payments).toEqual([
      expect.objectContaining({ status: 'succeeded', amount: 3300, amountRefunded: 300, chargeId: charge[0]!.id, balanceTransactionId: charge[0]!.balance_transaction }),
    ]);
    expect(final.payments[0].fee).not.toBeNull();
    expect(final.totals).toMatchObject({ raised: 3000, pending: 0, refunded: 300, donations: 1 });

    const failMark = emulator.events.length;
    const bounced = await newPledge(2100);
    await helper(`/v1/test_helpers/checkout/sessions/${bounced.checkoutSessionId}/pay`, { outcome: 'delayed' });
    await helper(`/v1/test_helpers/checkout/sessions/${bounced.checkoutSessionId}/settle`, { outcome: 'failed' });
    const failTypes = ['checkout.session.completed', 'charge.pending', 'checkout.session.async_payment_failed'];
    const failed = await everyOrder(eventsSince(failMark, failTypes), [bounced.id]);
    expect(failed.size).toBe(1);
    const end = JSON.parse([...failed.keys()][0]!);
    expect(end.pledges).toEqual([{ status: 'failed', linked: false, subscription_status: null }]);
    expect(end.payments).toEqual([expect.objectContaining({ status: 'failed', amount: 2100 })]);
    expect(end.payments[0].chargeId).toMatch(/^ch_/);
    expect(end.totals).toMatchObject({ raised: 0, pending: 0, donations: 0 });
  }, 120_000);

  it('dispute through its states: withdrawn, under review, reinstated, won (120 orders); an inquiry (24 orders)', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(4400);
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const pi = (await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).payment_intent as string;
    const charge = (await stripe.charges.list({ payment_intent: pi })).data[0]!;
    const dispute = await helper(`/v1/test_helpers/charges/${charge.id}/dispute`);
    await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'receipt' }, submit: true });
    await helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: 'won' });
    const types = ['checkout.session.completed', 'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.funds_reinstated', 'charge.dispute.closed'];
    const events = eventsSince(mark, types);
    expect(events.map((e) => e.type)).toEqual(types);
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    expect(final.disputes).toEqual([expect.objectContaining({ id: dispute.id, status: 'won', funds_withdrawn: 4400, funds_reinstated: 4400, fee: 1500 })]);
    expect(final.payments).toEqual([expect.objectContaining({ disputeStatus: 'won', disputedAmount: 4400 })]);
    expect(final.totals).toMatchObject({ raised: 4400, disputed: 0, donations: 1 });

    const inquiryMark = emulator.events.length;
    const asked = await newPledge(1200);
    await helper(`/v1/test_helpers/checkout/sessions/${asked.checkoutSessionId}/pay`);
    const askedPi = (await stripe.checkout.sessions.retrieve(asked.checkoutSessionId)).payment_intent as string;
    const askedCharge = (await stripe.charges.list({ payment_intent: askedPi })).data[0]!;
    const inquiry = await helper(`/v1/test_helpers/charges/${askedCharge.id}/inquiry`);
    await stripe.disputes.update(inquiry.id, { submit: true });
    await helper(`/v1/test_helpers/disputes/${inquiry.id}/close`, { outcome: 'won' });
    const inquiryEvents = eventsSince(inquiryMark, ['checkout.session.completed', 'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed']);
    expect(inquiryEvents).toHaveLength(4);
    const inquiryOutcomes = await everyOrder(inquiryEvents, [asked.id]);
    expect(inquiryOutcomes.size).toBe(1);
    const end = JSON.parse([...inquiryOutcomes.keys()][0]!);
    expect(end.disputes).toEqual([expect.objectContaining({ id: inquiry.id, status: 'warning_closed', funds_withdrawn: 0 })]);
    expect(end.payments).toEqual([expect.objectContaining({ disputeStatus: 'none', disputedAmount: 0 })]);
    expect(end.totals).toMatchObject({ raised: 1200, disputed: 0 });
    expect(end.inbox).toEqual(Array(4).fill('processed'));
  }, 120_000);

  it('dunning: a renewal declined, needing the donor, declined again until the retries run out: unpaid (120 orders)', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(900, 'monthly');
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const subscription = (await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).subscription as string;
    const invoice = await helper(`/v1/test_helpers/subscriptions/${subscription}/renew`, { outcome: 'failed' });
    await helper(`/v1/test_helpers/invoices/${invoice.id}/retry`, { outcome: 'action_required' });
    await helper(`/v1/test_helpers/invoices/${invoice.id}/retry`, { outcome: 'failed', max_attempts: 3, when_exhausted: 'unpaid' });
    const events = eventsSince(mark, ['invoice.paid', 'invoice.payment_failed', 'invoice.payment_action_required', 'customer.subscription.updated'])
      .filter((e) => e.type !== 'customer.subscription.updated' || (e.data.object as { status: string }).status === 'unpaid');
    expect(events.map((e) => e.type)).toEqual(['invoice.paid', 'invoice.payment_failed', 'invoice.payment_action_required', 'invoice.payment_failed', 'customer.subscription.updated']);
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    expect(final.pledges).toEqual([{ status: 'completed', linked: true, subscription_status: 'unpaid' }]);
    expect(final.attempts).toEqual([{ invoice_id: invoice.id, attempt_count: 3, next_payment_attempt: null, action_required: false }]);
    expect(final.totals).toMatchObject({ raised: 900, donations: 1 });
  }, 120_000);

  it('payouts: paid then failed (24 orders); pending, delayed, cancelled (6 orders)', async () => {
    await helper('/v1/test_helpers/payouts'); // everything earlier tests left in the balance
    const mark = emulator.events.length;
    const pledge = await newPledge(2600);
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const { data: [paid] } = await helper('/v1/test_helpers/payouts');
    await helper(`/v1/test_helpers/payouts/${paid.id}/fail`, { failure_code: 'no_account' });
    const events = eventsSince(mark, ['checkout.session.completed', 'payout.created', 'payout.paid', 'payout.failed']);
    expect(events).toHaveLength(4);
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    expect(final.payouts).toEqual([expect.objectContaining({ id: paid.id, status: 'failed', failure_code: 'no_account', carried: 0 })]);
    expect(final.payments).toEqual([expect.objectContaining({ payoutId: paid.id })]);

    const cancelMark = emulator.events.length;
    const { data: [pending] } = await helper('/v1/test_helpers/payouts', { paid: false }); // carries the failed one
    await helper(`/v1/test_helpers/payouts/${pending.id}/delay`, { days: 3 });
    await stripe.payouts.cancel(pending.id);
    const cancelEvents = eventsSince(cancelMark, ['payout.created', 'payout.updated', 'payout.canceled']);
    const cancelOutcomes = await everyOrder(cancelEvents, [pledge.id]);
    expect(cancelOutcomes.size).toBe(1);
    const end = JSON.parse([...cancelOutcomes.keys()][0]!);
    expect(end.payouts).toEqual([expect.objectContaining({ id: pending.id, status: 'canceled', carried: paid.amount, arrival_date: new Date((pending.arrival_date + 3 * 86400) * 1000).toISOString() })]);
  }, 120_000);

  it('monthly gift: checkout, two paid invoices, a failed one, cancellation (120 orders)', async () => {
    const mark = emulator.events.length;
    const pledge = await newPledge(1000, 'monthly');
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
    const subscription = (await stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).subscription as string;
    await helper(`/v1/test_helpers/subscriptions/${subscription}/renew`);
    await helper(`/v1/test_helpers/subscriptions/${subscription}/renew`, { outcome: 'failed' });
    await stripe.subscriptions.cancel(subscription);
    const events = eventsSince(mark, ['checkout.session.completed', 'invoice.paid', 'invoice.payment_failed', 'customer.subscription.deleted']);
    expect(events.map((e) => e.type).sort()).toEqual(
      ['checkout.session.completed', 'customer.subscription.deleted', 'invoice.paid', 'invoice.paid', 'invoice.payment_failed'].sort(),
    );
    const outcomes = await everyOrder(events, [pledge.id]);
    expect(outcomes.size).toBe(1);
    const final = JSON.parse([...outcomes.keys()][0]!);
    expect(final.pledges).toEqual([{ status: 'cancelled', linked: true, subscription_status: 'canceled' }]);
    expect(final.payments).toHaveLength(2);
    expect(final.totals).toMatchObject({ raised: 2000, donors: 1, donations: 2 });

    // Without the cancellation, the newest period decides: the failed third month wins over
    // the paid first two, whatever order they come in.
    const withoutCancel = events.filter((e) => e.type !== 'customer.subscription.deleted' && e.type !== 'checkout.session.completed');
    const states = await everyOrder(withoutCancel, [pledge.id]);
    expect(states.size).toBe(1);
    expect(JSON.parse([...states.keys()][0]!).pledges).toEqual([{ status: 'completed', linked: true, subscription_status: 'past_due' }]);
  }, 120_000);
});
