import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { invalidRequest } from './errors.ts';
import { addInterval, buildCustomer, buildInvoice, buildInvoicePayment, buildSubscription } from './objects-billing.ts';
import { createPaymentIntent, failPayment, succeedPayment, usePaymentMethod } from './flows-payments.ts';
import type { StripeObject } from './store.ts';

export function createCustomer(ctx: EmulatorContext, email: string | null, req: RequestInfo): StripeObject {
  const customer = buildCustomer(nowSec(ctx), { email, name: null });
  ctx.store.customers.set(customer.id, customer);
  ctx.emit('customer.created', customer, req);
  return customer;
}

/**
 * Opens an invoice for the subscription's current period and attempts payment, emitting the events
 * Stripe sends for an automatic charge (invoice.created/finalized, charge, payment intent, invoice result).
 */
function invoiceAndCharge(
  ctx: EmulatorContext,
  sub: StripeObject,
  customer: StripeObject,
  billingReason: 'subscription_create' | 'subscription_cycle',
  outcome: 'succeeded' | 'failed',
  req: RequestInfo,
): StripeObject {
  const item = sub.items.data[0];
  const invoice = buildInvoice(nowSec(ctx), {
    customer,
    subscription: sub,
    billingReason,
    periodStart: item.current_period_start,
    periodEnd: item.current_period_end,
    hostedBaseUrl: ctx.publicUrl(),
  });
  ctx.store.invoices.set(invoice.id, invoice);
  sub.latest_invoice = invoice.id;
  ctx.emit('invoice.created', invoice, req);
  ctx.emit('invoice.finalized', invoice, req);

  const pi = createPaymentIntent(
    ctx,
    {
      amount: invoice.amount_due,
      currency: invoice.currency,
      customer: customer.id,
      description: billingReason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
      // Stripe leaves invoice payment intents without metadata; the emulator copies the subscription's so
      // charges can be traced to a pledge the same way one-time charges are.
      metadata: sub.metadata,
      email: customer.email,
    },
    ['card'],
    req,
  );
  // Stripe charges the subscription's saved payment method.
  pi.payment_method = sub.default_payment_method;
  const invoicePayment = buildInvoicePayment(nowSec(ctx), { invoice, paymentIntent: pi.id });
  ctx.store.invoicePayments.set(invoicePayment.id, invoicePayment);
  invoice.payments = { object: 'list', data: [invoicePayment], has_more: false, url: `/v1/invoice_payments?invoice=${invoice.id}` };
  invoice.attempted = true;
  invoice.attempt_count += 1;

  if (outcome === 'succeeded') {
    payInvoice(ctx, invoice, invoicePayment, pi, req);
  } else {
    failPayment(ctx, pi, 'card', req);
    invoice.next_payment_attempt = nowSec(ctx) + 3 * 86400;
    ctx.emit('invoice.payment_failed', invoice, req);
  }
  return invoice;
}

/** The invoice's payment intent succeeds on the saved card: the invoice is paid. */
export function payInvoice(ctx: EmulatorContext, invoice: StripeObject, invoicePayment: StripeObject, pi: StripeObject, req: RequestInfo): void {
  succeedPayment(ctx, pi, 'card', req);
  const now = nowSec(ctx);
  Object.assign(invoicePayment, { status: 'paid', amount_paid: invoice.amount_due, status_transitions: { canceled_at: null, paid_at: now } });
  Object.assign(invoice, {
    status: 'paid',
    amount_paid: invoice.amount_due,
    amount_remaining: 0,
    auto_advance: false,
    next_payment_attempt: null,
  });
  invoice.status_transitions.paid_at = now;
  ctx.emit('invoice.paid', invoice, req);
  ctx.emit('invoice.payment_succeeded', invoice, req);
}

/** What Checkout does when a subscription-mode session is paid: customer, subscription, first invoice. */
export function startSubscription(
  ctx: EmulatorContext,
  a: { email: string | null; price: StripeObject; quantity: number; metadata: Record<string, string> },
  req: RequestInfo,
): { customer: StripeObject; subscription: StripeObject; invoice: StripeObject } {
  const customer = createCustomer(ctx, a.email, req);
  customer.currency = a.price.currency;
  const start = nowSec(ctx);
  const sub = buildSubscription(start, {
    customer: customer.id,
    price: a.price,
    quantity: a.quantity,
    metadata: a.metadata,
    periodStart: start,
    periodEnd: addInterval(start, a.price.recurring.interval, a.price.recurring.interval_count),
    paymentMethod: usePaymentMethod(ctx, { kind: 'card', email: a.email, customer: customer.id }).id,
  });
  ctx.store.subscriptions.set(sub.id, sub);
  ctx.emit('customer.subscription.created', sub, req);
  const invoice = invoiceAndCharge(ctx, sub, customer, 'subscription_create', 'succeeded', req);
  sub.status = 'active';
  ctx.emit('customer.subscription.updated', sub, req, { status: 'incomplete', latest_invoice: null });
  return { customer, subscription: sub, invoice };
}

export function renewSubscription(ctx: EmulatorContext, sub: StripeObject, outcome: 'succeeded' | 'failed', req: RequestInfo): StripeObject {
  if (sub.status !== 'active' && sub.status !== 'past_due') {
    throw invalidRequest(`Subscription ${sub.id} cannot be renewed in status ${sub.status}.`, 'subscription');
  }
  const customer = ctx.store.customers.get(sub.customer as string)!;
  const item = sub.items.data[0];
  const previousItem = structuredClone(item);
  const previousStatus = sub.status;
  const previousInvoice = sub.latest_invoice;
  item.current_period_start = item.current_period_end;
  item.current_period_end = addInterval(item.current_period_start, item.price.recurring.interval, item.price.recurring.interval_count);
  const invoice = invoiceAndCharge(ctx, sub, customer, 'subscription_cycle', outcome, req);
  sub.status = outcome === 'succeeded' ? 'active' : 'past_due';
  const previous: Record<string, unknown> = { items: { data: [previousItem] }, latest_invoice: previousInvoice };
  if (previousStatus !== sub.status) previous.status = previousStatus;
  ctx.emit('customer.subscription.updated', sub, req, previous);
  return invoice;
}

export function cancelSubscription(
  ctx: EmulatorContext,
  sub: StripeObject,
  req: RequestInfo,
  reason: 'cancellation_requested' | 'payment_failed' = 'cancellation_requested',
): StripeObject {
  if (sub.status === 'canceled') {
    throw invalidRequest(`No such subscription: '${sub.id}'; it has already been canceled.`, 'subscription', 'resource_missing');
  }
  const now = nowSec(ctx);
  Object.assign(sub, {
    status: 'canceled',
    canceled_at: now,
    ended_at: now,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason },
  });
  ctx.emit('customer.subscription.deleted', sub, req);
  return sub;
}
