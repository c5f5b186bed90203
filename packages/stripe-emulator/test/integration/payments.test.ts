import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { donationSessionParams, eventTypes, startHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function paidDonation(amount = 2500, currency = 'usd') {
  const s = await h.stripe.checkout.sessions.create(
    donationSessionParams({ line_items: [{ quantity: 1, price_data: { currency, unit_amount: amount, product_data: { name: 'Gift' } } }] }),
  );
  await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'succeeded' });
  const session = await h.stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
  const pi = session.payment_intent as Stripe.PaymentIntent;
  const charge = await h.stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
  return { session, pi, charge, bt: charge.balance_transaction as Stripe.BalanceTransaction };
}

describe('paying a session (test helper)', () => {
  it('succeeded: payment intent, charge with fee-bearing balance transaction, events in Stripe order', async () => {
    const { session, pi, charge, bt } = await paidDonation(2500);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
    expect(session.customer_details?.email).toBe('donor@example.org');
    expect(pi).toMatchObject({ status: 'succeeded', amount: 2500, amount_received: 2500, metadata: { pledge_id: 'pledge_123' } });
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, captured: true, amount: 2500, amount_refunded: 0, payment_intent: pi.id, metadata: { pledge_id: 'pledge_123' } });
    expect(bt).toMatchObject({ type: 'charge', amount: 2500, fee: 103, net: 2397, currency: 'usd', status: 'pending', source: charge.id, reporting_category: 'charge' });
    expect(bt.available_on).toBeGreaterThan(bt.created);
    expect(eventTypes(h)).toEqual(['payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed']);
    const completed = h.emulator.events.at(-1)!;
    expect((completed.data.object as Stripe.Checkout.Session).payment_intent).toBe(pi.id);
    expect(completed.request!.idempotency_key).toMatch(/^stripe-node-retry-/);
    expect(completed.request!.id).toMatch(/^req_/);
  });

  it('uses the configured fee model', async () => {
    await h.close();
    h = await startHarness({ feeModel: { percentBps: 140, fixed: 25 } });
    const { bt } = await paidDonation(10000, 'eur');
    expect(bt).toMatchObject({ fee: 165, net: 9835, currency: 'eur' });
  });

  it('delayed then settled: completed unpaid first with a pending charge, settled in place', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    const paid = await h.helper<Stripe.Checkout.Session>(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'delayed' });
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    const pi = await h.stripe.paymentIntents.retrieve(paid.payment_intent as string);
    expect(pi.status).toBe('processing');
    const pending = (await h.stripe.charges.list()).data;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ id: pi.latest_charge, status: 'pending', balance_transaction: null });
    expect(eventTypes(h)).toEqual(['payment_intent.created', 'charge.pending', 'payment_intent.processing', 'checkout.session.completed']);

    const settled = await h.helper<Stripe.Checkout.Session>(`/v1/test_helpers/checkout/sessions/${s.id}/settle`, { outcome: 'succeeded' });
    expect(settled.payment_status).toBe('paid');
    const charges = await h.stripe.charges.list({ payment_intent: pi.id });
    expect(charges.data).toHaveLength(1);
    expect(charges.data[0]!.id).toBe(pi.latest_charge);
    expect(charges.data[0]!.payment_method_details?.type).toBe('sepa_debit');
    expect(charges.data[0]!.balance_transaction).toMatch(/^txn_/);
    expect(eventTypes(h).slice(4)).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.async_payment_succeeded', 'charge.updated']);
    await expect(h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/settle`)).rejects.toThrow(/no delayed payment/);
  });

  it('delayed then failed: async_payment_failed, no money', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'delayed' });
    const failed = await h.helper<Stripe.Checkout.Session>(`/v1/test_helpers/checkout/sessions/${s.id}/settle`, { outcome: 'failed' });
    expect(failed).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    expect(eventTypes(h).slice(-3)).toEqual(['charge.failed', 'payment_intent.payment_failed', 'checkout.session.async_payment_failed']);
    expect((await h.stripe.balanceTransactions.list()).data).toHaveLength(0);
  });

  it('failed: 402 card_declined, session stays open, the same intent is reused on retry', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    const err = await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'failed' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code: 'card_declined', decline_code: 'generic_decline' });
    const open = await h.stripe.checkout.sessions.retrieve(s.id);
    expect(open.status).toBe('open');
    const pi = await h.stripe.paymentIntents.retrieve(open.payment_intent as string);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error).toMatchObject({ code: 'card_declined', type: 'card_error' });
    expect(eventTypes(h)).toEqual(['payment_intent.created', 'charge.failed', 'payment_intent.payment_failed']);

    await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'succeeded' });
    const done = await h.stripe.checkout.sessions.retrieve(s.id);
    expect(done.payment_intent).toBe(pi.id);
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
  });

  it('rejects an unknown outcome and an unknown session', async () => {
    const s = await h.stripe.checkout.sessions.create(donationSessionParams());
    await expect(h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'maybe' })).rejects.toMatchObject({ param: 'outcome' });
    await expect(h.helper('/v1/test_helpers/checkout/sessions/cs_test_nope/pay')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('refunds', () => {
  it('partial then full refund: cumulative amount_refunded, own balance transactions, charge.refunded + refund.created', async () => {
    const { charge, pi } = await paidDonation(2500);
    const r1 = await h.stripe.refunds.create({ charge: charge.id, amount: 1000, reason: 'requested_by_customer' });
    expect(r1).toMatchObject({ object: 'refund', amount: 1000, charge: charge.id, payment_intent: pi.id, status: 'succeeded', reason: 'requested_by_customer' });
    const bt1 = await h.stripe.balanceTransactions.retrieve(r1.balance_transaction as string);
    expect(bt1).toMatchObject({ type: 'refund', amount: -1000, fee: 0, net: -1000, source: r1.id });
    let c = await h.stripe.charges.retrieve(charge.id);
    expect(c).toMatchObject({ amount_refunded: 1000, refunded: false });

    const refundedEvent = h.emulator.events.at(-2)!;
    expect(refundedEvent.type).toBe('charge.refunded');
    expect(refundedEvent.data.previous_attributes).toEqual({ amount_refunded: 0 });
    expect(h.emulator.events.at(-1)!.type).toBe('refund.created');

    await expect(h.stripe.refunds.create({ charge: charge.id, amount: 2000 })).rejects.toMatchObject({ param: 'amount', statusCode: 400 });

    const r2 = await h.stripe.refunds.create({ payment_intent: pi.id });
    expect(r2.amount).toBe(1500);
    c = await h.stripe.charges.retrieve(charge.id);
    expect(c).toMatchObject({ amount_refunded: 2500, refunded: true });
    const last = h.emulator.events.filter((e) => e.type === 'charge.refunded').at(-1)!;
    expect(last.data.previous_attributes).toEqual({ amount_refunded: 1000, refunded: false });
    await expect(h.stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_already_refunded' });

    const list = await h.stripe.refunds.list({ charge: charge.id });
    expect(list.data.map((r) => r.id)).toEqual([r2.id, r1.id]);
  });

  it('refuses a refund without charge or payment_intent, or on an unknown charge', async () => {
    await expect(h.stripe.refunds.create({})).rejects.toMatchObject({ type: 'StripeInvalidRequestError', param: 'charge' });
    await expect(h.stripe.refunds.create({ charge: 'ch_missing' })).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('disputes', () => {
  it('won: withdrawal with 1500 fee, then reinstatement', async () => {
    const { charge } = await paidDonation(5000);
    const d = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/dispute`);
    expect(d).toMatchObject({ object: 'dispute', status: 'needs_response', amount: 5000, charge: charge.id, reason: 'fraudulent' });
    expect(d.balance_transactions).toHaveLength(1);
    expect(d.balance_transactions[0]).toMatchObject({ amount: -5000, fee: 1500, net: -6500, type: 'adjustment', reporting_category: 'dispute' });
    expect((await h.stripe.charges.retrieve(charge.id)).disputed).toBe(true);
    expect(h.emulator.events.some((e) => e.type === 'charge.dispute.created')).toBe(true);
    await expect(h.stripe.refunds.create({ charge: charge.id })).rejects.toMatchObject({ code: 'charge_disputed' });

    const closed = await h.helper<Stripe.Dispute>(`/v1/test_helpers/disputes/${d.id}/close`, { outcome: 'won' });
    expect(closed.status).toBe('won');
    expect(closed.balance_transactions[1]).toMatchObject({ amount: 5000, fee: 0, net: 5000, reporting_category: 'dispute_reversal' });
    const closedEvent = h.emulator.events.at(-1)!;
    expect(closedEvent.type).toBe('charge.dispute.closed');
    expect(closedEvent.data.previous_attributes).toEqual({ status: 'needs_response' });
    await expect(h.helper(`/v1/test_helpers/disputes/${d.id}/close`, { outcome: 'lost' })).rejects.toThrow(/already closed/);
  });

  it('lost: money stays withdrawn; partial dispute amount', async () => {
    const { charge } = await paidDonation(5000);
    const d = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/dispute`, { amount: 2000, reason: 'duplicate' });
    expect(d).toMatchObject({ amount: 2000, reason: 'duplicate' });
    const closed = await h.helper<Stripe.Dispute>(`/v1/test_helpers/disputes/${d.id}/close`, { outcome: 'lost' });
    expect(closed.status).toBe('lost');
    expect(closed.balance_transactions).toHaveLength(1);
    await expect(h.helper(`/v1/test_helpers/charges/${charge.id}/dispute`)).rejects.toThrow(/already disputed/);
    const fetched = await h.stripe.disputes.retrieve(d.id);
    expect(fetched.status).toBe('lost');
  });
});

describe('payouts and balance transactions', () => {
  it('pays out everything not yet paid out per currency; ?payout= lists its transactions', async () => {
    const a = await paidDonation(2500, 'usd');
    const b = await paidDonation(1000, 'usd');
    const c = await paidDonation(3000, 'eur');
    const refund = await h.stripe.refunds.create({ charge: b.charge.id, amount: 400 });

    const res = await h.helper<{ object: string; data: Stripe.Payout[] }>('/v1/test_helpers/payouts');
    expect(res.data).toHaveLength(2);
    const usd = res.data.find((p) => p.currency === 'usd')!;
    const expectedUsd = a.bt.net + b.bt.net - 400;
    expect(usd).toMatchObject({ object: 'payout', status: 'paid', amount: expectedUsd, automatic: true });
    const eur = res.data.find((p) => p.currency === 'eur')!;
    expect(eur.amount).toBe(c.bt.net);

    const inPayout = await h.stripe.balanceTransactions.list({ payout: usd.id, limit: 100 });
    const sources = inPayout.data.map((t) => t.source).sort();
    expect(sources).toEqual([a.charge.id, b.charge.id, refund.id, usd.id].sort());
    expect(inPayout.data.every((t) => t.status === 'available')).toBe(true);
    const payoutTxn = inPayout.data.find((t) => t.type === 'payout')!;
    expect(payoutTxn.amount).toBe(-expectedUsd);
    expect(usd.balance_transaction).toBe(payoutTxn.id);
    expect((await h.stripe.balanceTransactions.list({ type: 'charge' })).data).toHaveLength(3);

    expect(eventTypes(h).slice(-4)).toEqual(['payout.created', 'payout.paid', 'payout.created', 'payout.paid']);
    expect((h.emulator.events.at(-1)!.data.object as Stripe.Payout).status).toBe('paid');
    expect((h.emulator.events.at(-2)!.data.object as Stripe.Payout).status).toBe('in_transit');

    const again = await h.helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts');
    expect(again.data).toHaveLength(0);
    const payouts = await h.stripe.payouts.list();
    expect(payouts.data).toHaveLength(2);
    expect((await h.stripe.payouts.retrieve(usd.id)).amount).toBe(expectedUsd);
  });

  it('moves balance transactions from pending to available once available_on passes', async () => {
    const { bt } = await paidDonation();
    expect(bt.status).toBe('pending');
    h.clock.offsetMs = 3 * 86400 * 1000;
    expect((await h.stripe.balanceTransactions.retrieve(bt.id)).status).toBe('available');
    const balance = await h.stripe.balance.retrieve();
    expect(balance.available).toEqual([{ amount: bt.net, currency: 'usd', source_types: { card: bt.net } }]);
  });

  it('lists charges with created filter and paging', async () => {
    const first = await paidDonation();
    const second = await paidDonation();
    const page = await h.stripe.charges.list({ limit: 1 });
    expect(page.data[0]!.id).toBe(second.charge.id);
    expect(page.has_more).toBe(true);
    const next = await h.stripe.charges.list({ limit: 1, starting_after: second.charge.id });
    expect(next.data[0]!.id).toBe(first.charge.id);
    expect(next.has_more).toBe(false);
    const created = await h.stripe.charges.list({ created: { gte: first.charge.created } });
    expect(created.data).toHaveLength(2);
    expect((await h.stripe.charges.list({ created: { lt: first.charge.created } })).data).toHaveLength(0);
  });
});
