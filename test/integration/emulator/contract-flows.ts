/**
 * Drives every donation flow the emulator models through the real stripe SDK, reading back every
 * object it makes, so that the schema contract test sees each kind of response and webhook.
 */
import Stripe from 'stripe';
import { createCheckoutGateway } from '../../../src/stripe/stripe-checkout-gateway.ts';
import { donationSessionParams, monthlySessionParams, type Harness } from 'stripe-emulator/test-harness';

type Helper = Harness['helper'];

/** Runs `call`, expecting it to fail the way Stripe would; the error body is on the wire record. */
async function refused(call: Promise<unknown>, what: string): Promise<Stripe.errors.StripeError> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof Stripe.errors.StripeError)) throw new Error(`${what}: expected a Stripe error, got ${String(err)}`);
  return err;
}

/** The sessions the service itself asks for, through its own gateway: the emulator's strict
 * parameter checks must accept them, and what comes back is held to the contract like the rest. */
async function serviceCheckout(stripe: Stripe) {
  const gateway = createCheckoutGateway(stripe);
  for (const frequency of ['once', 'monthly'] as const) {
    const ref = await gateway.createCheckoutSession({
      pledgeId: `pledge-${frequency}`,
      campaignSlug: 'end-of-year',
      campaignTitle: 'End of year',
      amount: 2500,
      currency: 'eur',
      frequency,
      email: 'donor@example.org',
      successUrl: 'http://app.test/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
      cancelUrl: 'http://app.test/donate/cancelled',
      expiresAt: new Date(Date.now() + 3600_000),
      idempotencyKey: `pledge-checkout-${frequency}`,
    });
    await stripe.checkout.sessions.retrieve(ref.id);
  }
}

async function paidSession(stripe: Stripe, helper: Helper, params = donationSessionParams()) {
  const session = await stripe.checkout.sessions.create(params);
  await helper(`/v1/test_helpers/checkout/sessions/${session.id}/pay`);
  return stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge.balance_transaction', 'line_items'] });
}

async function oneTimeCard(stripe: Stripe, helper: Helper) {
  const session = await paidSession(stripe, helper, donationSessionParams({ ui_mode: 'hosted_page', locale: 'en' }));
  const pi = session.payment_intent as Stripe.PaymentIntent;
  const charge = pi.latest_charge as Stripe.Charge;
  await stripe.checkout.sessions.listLineItems(session.id);
  await stripe.checkout.sessions.list({ limit: 3 });
  await stripe.paymentIntents.retrieve(pi.id);
  await stripe.paymentIntents.list({ limit: 3 });
  await stripe.charges.retrieve(charge.id, { expand: ['balance_transaction', 'customer'] });
  await stripe.charges.list({ payment_intent: pi.id });
  await stripe.paymentMethods.retrieve(charge.payment_method!);
  const line = session.line_items!.data[0]!;
  await stripe.prices.retrieve(line.price!.id);
  await stripe.products.retrieve(line.price!.product as string);
  return charge;
}

async function bankDebit(stripe: Stripe, helper: Helper, outcome: 'succeeded' | 'failed') {
  const session = await stripe.checkout.sessions.create(donationSessionParams());
  await helper(`/v1/test_helpers/checkout/sessions/${session.id}/pay`, { outcome: 'delayed' });
  const processing = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
  await helper(`/v1/test_helpers/checkout/sessions/${session.id}/settle`, { outcome });
  const settled = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge'] });
  await stripe.charges.list({ payment_intent: (processing.payment_intent as Stripe.PaymentIntent).id });
  return settled;
}

/** Refunds that stay pending (bank debits) and then go through or fail, and a card refund that fails. */
async function refundLifecycle(stripe: Stripe, helper: Helper) {
  const bank = await bankDebit(stripe, helper, 'succeeded');
  const pi = (bank.payment_intent as Stripe.PaymentIntent).id;
  const through = await stripe.refunds.create({ payment_intent: pi, amount: 300 });
  await helper(`/v1/test_helpers/refunds/${through.id}/settle`, { outcome: 'succeeded' });
  const bounced = await stripe.refunds.create({ payment_intent: pi, amount: 200 });
  const failed = await helper<Stripe.Refund>(`/v1/test_helpers/refunds/${bounced.id}/settle`, { outcome: 'failed' });
  await stripe.refunds.retrieve(failed.id, { expand: ['failure_balance_transaction'] });
  const card = await paidSession(stripe, helper);
  const cardRefund = await stripe.refunds.create({ payment_intent: (card.payment_intent as Stripe.PaymentIntent).id, amount: 100 });
  await helper(`/v1/test_helpers/refunds/${cardRefund.id}/settle`, { outcome: 'failed' });
  await stripe.charges.retrieve(((card.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge).id);
}

async function declinedAndAbandoned(stripe: Stripe, helper: Helper, clock: Harness['clock']) {
  const declined = await stripe.checkout.sessions.create(donationSessionParams());
  await refused(helper(`/v1/test_helpers/checkout/sessions/${declined.id}/pay`, { outcome: 'failed' }), 'declined card');
  await stripe.checkout.sessions.retrieve(declined.id, { expand: ['payment_intent.latest_charge'] });
  await stripe.checkout.sessions.expire(declined.id);
  const cancelled = await stripe.checkout.sessions.create(donationSessionParams());
  await stripe.checkout.sessions.expire(cancelled.id);
  const lapsed = await stripe.checkout.sessions.create(donationSessionParams());
  await helper(`/v1/test_helpers/checkout/sessions/${lapsed.id}/expire`);
  // A session nobody pays expires on its own at expires_at.
  const forgotten = await stripe.checkout.sessions.create(donationSessionParams());
  clock.offsetMs += 25 * 3600 * 1000;
  await stripe.checkout.sessions.retrieve(forgotten.id);
}

async function monthly(stripe: Stripe, helper: Helper) {
  const session = await stripe.checkout.sessions.create(monthlySessionParams());
  await helper(`/v1/test_helpers/checkout/sessions/${session.id}/pay`);
  const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription', 'invoice'] });
  const sub = done.subscription as Stripe.Subscription;
  await helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`);
  // Dunning: declined, retried needing the donor, paid on the next retry.
  const declined = await helper<Stripe.Invoice>(`/v1/test_helpers/subscriptions/${sub.id}/renew`, { outcome: 'failed' });
  await helper(`/v1/test_helpers/invoices/${declined.id}/retry`, { outcome: 'action_required' });
  await stripe.invoices.retrieve(declined.id!, { expand: ['payments'] });
  await helper(`/v1/test_helpers/invoices/${declined.id}/retry`, { outcome: 'succeeded' });
  await helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`);
  await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice', 'customer'] });
  await stripe.subscriptions.list({ customer: sub.customer as string });
  const invoices = await stripe.invoices.list({ subscription: sub.id });
  for (const invoice of invoices.data) await stripe.invoices.retrieve(invoice.id);
  const payments = await stripe.invoicePayments.list({ invoice: invoices.data[0]!.id });
  await stripe.invoicePayments.retrieve(payments.data[0]!.id);
  await stripe.customers.retrieve(sub.customer as string);
  await stripe.customers.list({ email: 'monthly@example.org' });
  await stripe.prices.retrieve(sub.items.data[0]!.price.id, { expand: ['product'] });
  await stripe.subscriptions.cancel(sub.id);
  await stripe.subscriptions.list({ status: 'all' });
}

/** Renewals whose retries run out: the subscription made unpaid, or cancelled. */
async function dunningExhausted(stripe: Stripe, helper: Helper) {
  for (const whenExhausted of ['unpaid', 'canceled'] as const) {
    const session = await stripe.checkout.sessions.create(monthlySessionParams());
    await helper(`/v1/test_helpers/checkout/sessions/${session.id}/pay`);
    const sub = (await stripe.checkout.sessions.retrieve(session.id)).subscription as string;
    const invoice = await helper<Stripe.Invoice>(`/v1/test_helpers/subscriptions/${sub}/renew`, { outcome: 'failed' });
    await helper(`/v1/test_helpers/invoices/${invoice.id}/retry`, { outcome: 'failed', max_attempts: 2, when_exhausted: whenExhausted });
    await stripe.subscriptions.retrieve(sub);
  }
}

async function refunds(stripe: Stripe, charge: Stripe.Charge) {
  const partial = await stripe.refunds.create({ charge: charge.id, amount: 500, reason: 'requested_by_customer', metadata: { by: 'staff' } });
  const rest = await stripe.refunds.create({ payment_intent: charge.payment_intent as string });
  await stripe.refunds.retrieve(partial.id, { expand: ['charge', 'balance_transaction'] });
  await stripe.refunds.list({ charge: charge.id });
  await stripe.charges.retrieve(charge.id, { expand: ['refunds'] });
  await refused(stripe.refunds.create({ charge: charge.id, amount: 1 }), 'refund of a refunded charge');
  return rest;
}

async function disputes(stripe: Stripe, helper: Helper) {
  for (const outcome of ['won', 'lost'] as const) {
    const session = await paidSession(stripe, helper);
    const charge = (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    const dispute = await helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/dispute`, { reason: 'fraudulent' });
    await helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome });
    await stripe.disputes.retrieve(dispute.id, { expand: ['charge', 'payment_intent'] });
    await stripe.disputes.list({ charge: charge.id });
  }
  // Evidence submitted (under review), and an inquiry that is answered and closed.
  const reviewed = (await paidSession(stripe, helper)).payment_intent as Stripe.PaymentIntent;
  const chargeback = await helper<Stripe.Dispute>(`/v1/test_helpers/charges/${(reviewed.latest_charge as Stripe.Charge).id}/dispute`);
  await stripe.disputes.update(chargeback.id, { evidence: { uncategorized_text: 'Donor confirmed the gift' }, metadata: { case: '1' } });
  await stripe.disputes.update(chargeback.id, { submit: true });
  await helper(`/v1/test_helpers/disputes/${chargeback.id}/close`, { outcome: 'won' });
  const asked = (await paidSession(stripe, helper)).payment_intent as Stripe.PaymentIntent;
  const inquiry = await helper<Stripe.Dispute>(`/v1/test_helpers/charges/${(asked.latest_charge as Stripe.Charge).id}/inquiry`);
  await stripe.disputes.update(inquiry.id, { submit: true });
  await helper(`/v1/test_helpers/disputes/${inquiry.id}/close`, { outcome: 'won' });
  await stripe.disputes.retrieve(inquiry.id);
}

async function payouts(stripe: Stripe, helper: Helper) {
  await stripe.balance.retrieve();
  const { data } = await helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts');
  for (const payout of data) {
    await stripe.payouts.retrieve(payout.id, { expand: ['balance_transaction'] });
    const txns = await stripe.balanceTransactions.list({ payout: payout.id, limit: 100 });
    await stripe.balanceTransactions.retrieve(txns.data[0]!.id);
  }
  await stripe.payouts.list({ limit: 5 });
  await stripe.balance.retrieve();
}

/** A pending payout delayed and cancelled; a paid one that fails; the next one carrying both. */
async function payoutLifecycle(stripe: Stripe, helper: Helper) {
  await paidSession(stripe, helper);
  const { data: [pending] } = await helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts', { paid: false });
  await helper(`/v1/test_helpers/payouts/${pending!.id}/delay`, { days: 1 });
  await stripe.payouts.cancel(pending!.id);
  const { data: [paid] } = await helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts');
  await helper(`/v1/test_helpers/payouts/${paid!.id}/fail`, { failure_code: 'account_closed' });
  await stripe.payouts.retrieve(paid!.id, { expand: ['failure_balance_transaction'] });
  const { data: [next] } = await helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts');
  await stripe.balanceTransactions.list({ payout: next!.id, limit: 100 });
}

async function eventsPaging(stripe: Stripe) {
  const ids: string[] = [];
  for await (const event of stripe.events.list({ limit: 7 })) ids.push(event.id);
  await stripe.events.list({ limit: 3, ending_before: ids[5]! });
  await stripe.events.list({ types: ['charge.refunded', 'charge.dispute.*'] });
  await stripe.events.retrieve(ids.at(-1)!);
}

/** Every error answer the service may meet; each body is held to Stripe's error schema. */
async function errors(stripe: Stripe, helper: Helper) {
  await refused(stripe.checkout.sessions.create({ ...donationSessionParams(), mode: undefined }), 'missing mode');
  await refused(stripe.checkout.sessions.create({ ...donationSessionParams(), ui_mode: 'hosted' as never }), 'retired ui_mode');
  await refused(stripe.checkout.sessions.create({ ...donationSessionParams(), bogus: 'x' } as never), 'unknown parameter');
  await refused(stripe.charges.list({ limit: 'ten' as never }), 'not an integer');
  await refused(stripe.charges.retrieve('ch_missing'), 'missing charge');
  await refused(stripe.rawRequest('GET', '/v1/widgets', {}), 'unknown URL');
  await refused(stripe.charges.list({}, { apiKey: 'sk_live_not_here' }), 'live key');
  const key = `contract-${Date.now()}`;
  await stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: key });
  await refused(stripe.checkout.sessions.create(donationSessionParams({ client_reference_id: 'other' }), { idempotencyKey: key }), 'idempotency conflict');
  await refused(stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: 'k'.repeat(256) }), 'idempotency key too long');
  for (const status of ['429', '500']) {
    await helper('/v1/test_helpers/faults', { status, count: 1, path: '/v1/charges*' });
    await refused(stripe.charges.list(), `injected ${status}`);
  }
}

export async function driveEveryFlow(h: Harness): Promise<void> {
  const { stripe, helper } = h;
  await serviceCheckout(stripe);
  const charge = await oneTimeCard(stripe, helper);
  await bankDebit(stripe, helper, 'succeeded');
  await bankDebit(stripe, helper, 'failed');
  await monthly(stripe, helper);
  await dunningExhausted(stripe, helper);
  await refunds(stripe, charge);
  await refundLifecycle(stripe, helper);
  await disputes(stripe, helper);
  await payouts(stripe, helper);
  await payoutLifecycle(stripe, helper);
  await declinedAndAbandoned(stripe, helper, h.clock);
  await eventsPaging(stripe);
  await errors(stripe, helper);
  await h.emulator.flushDeliveries();
}
