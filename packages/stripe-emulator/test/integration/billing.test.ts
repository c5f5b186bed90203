import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventTypes, monthlySessionParams, startHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

async function subscribe() {
  const s = await h.stripe.checkout.sessions.create(monthlySessionParams());
  await h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'succeeded' });
  const session = await h.stripe.checkout.sessions.retrieve(s.id, { expand: ['subscription'] });
  return { session, sub: session.subscription as Stripe.Subscription };
}

describe('subscription mode', () => {
  it('creates customer, active subscription and a paid first invoice (basil+ shape)', async () => {
    const { session, sub } = await subscribe();
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', mode: 'subscription', payment_intent: null });
    expect(session.customer).toMatch(/^cus_/);
    expect(session.invoice).toMatch(/^in_/);
    expect(sub).toMatchObject({ object: 'subscription', status: 'active', customer: session.customer, metadata: { pledge_id: 'pledge_m1' }, latest_invoice: session.invoice });
    const item = sub.items.data[0]!;
    expect(item.price).toMatchObject({ unit_amount: 1000, currency: 'eur', recurring: { interval: 'month', interval_count: 1 } });
    expect(item.current_period_end).toBeGreaterThan(item.current_period_start + 27 * 86400);

    const customer = await h.stripe.customers.retrieve(session.customer as string);
    expect(customer).toMatchObject({ object: 'customer', email: 'monthly@example.org' });

    const invoice = await h.stripe.invoices.retrieve(session.invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_create',
      status: 'paid',
      amount_due: 1000,
      amount_paid: 1000,
      amount_remaining: 0,
      currency: 'eur',
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id, metadata: { pledge_id: 'pledge_m1' } } },
    });
    for (const gone of ['subscription', 'charge', 'payment_intent', 'paid']) expect(invoice).not.toHaveProperty(gone);
    const payment = invoice.payments!.data[0]!;
    expect(payment).toMatchObject({ object: 'invoice_payment', status: 'paid', amount_paid: 1000, invoice: invoice.id });
    const pi = await h.stripe.paymentIntents.retrieve(payment.payment.payment_intent as string, { expand: ['latest_charge.balance_transaction'] });
    expect(pi).toMatchObject({ status: 'succeeded', customer: session.customer, metadata: { pledge_id: 'pledge_m1' } });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge.metadata).toEqual({ pledge_id: 'pledge_m1' });
    expect((charge.balance_transaction as Stripe.BalanceTransaction).fee).toBe(59);
    const listed = await h.stripe.invoicePayments.list({ invoice: invoice.id });
    expect(listed.data.map((p) => p.id)).toEqual([payment.id]);

    const types = eventTypes(h);
    for (const t of ['customer.created', 'customer.subscription.created', 'invoice.paid', 'invoice.payment_succeeded', 'charge.succeeded', 'checkout.session.completed']) {
      expect(types).toContain(t);
    }
    expect(types.at(-1)).toBe('checkout.session.completed');
    expect(types.indexOf('invoice.paid')).toBeLessThan(types.indexOf('checkout.session.completed'));
  });

  it('renews: next month invoice paid with a new charge', async () => {
    const { sub } = await subscribe();
    const firstEnd = sub.items.data[0]!.current_period_end;
    const inv = await h.helper<Stripe.Invoice>(`/v1/test_helpers/subscriptions/${sub.id}/renew`);
    expect(inv).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', amount_paid: 1000, period_start: firstEnd });
    const renewed = await h.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.items.data[0]!.current_period_start).toBe(firstEnd);
    expect(renewed.latest_invoice).toBe(inv.id);
    const invoices = await h.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);
    expect((await h.stripe.charges.list()).data).toHaveLength(2);
    expect(eventTypes(h).filter((t) => t === 'invoice.paid')).toHaveLength(2);
  });

  it('a failed renewal leaves the invoice open and the subscription past_due; a later success recovers', async () => {
    const { sub } = await subscribe();
    const inv = await h.helper<Stripe.Invoice>(`/v1/test_helpers/subscriptions/${sub.id}/renew`, { outcome: 'failed' });
    expect(inv).toMatchObject({ status: 'open', amount_paid: 0, attempted: true, attempt_count: 1 });
    expect(inv.next_payment_attempt).toBeGreaterThan(0);
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    const failed = h.emulator.events.find((e) => e.type === 'invoice.payment_failed')!;
    expect((failed.data.object as Stripe.Invoice).id).toBe(inv.id);
    const updated = h.emulator.events.at(-1)!;
    expect(updated.type).toBe('customer.subscription.updated');
    expect(updated.data.previous_attributes).toMatchObject({ status: 'active' });

    await h.helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`);
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });

  it('cancels with DELETE and emits customer.subscription.deleted', async () => {
    const { sub } = await subscribe();
    const canceled = await h.stripe.subscriptions.cancel(sub.id);
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'cancellation_requested' } });
    expect(canceled.canceled_at).toBeGreaterThan(0);
    expect(h.emulator.events.at(-1)!.type).toBe('customer.subscription.deleted');
    await expect(h.helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`)).rejects.toThrow(/cannot be renewed/);
    await expect(h.stripe.subscriptions.cancel(sub.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((await h.stripe.subscriptions.list()).data).toHaveLength(0);
    expect((await h.stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(1);
  });

  it('a declined card in subscription mode creates nothing', async () => {
    const s = await h.stripe.checkout.sessions.create(monthlySessionParams());
    await expect(h.helper(`/v1/test_helpers/checkout/sessions/${s.id}/pay`, { outcome: 'failed' })).rejects.toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await h.stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
    expect((await h.stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(0);
  });
});
