// Dunning, as Stripe Billing runs it after a renewal fails: the invoice stays open and is retried
// (Smart Retries); each failure sends invoice.payment_failed with the next attempt's date, a card
// that needs the donor (3-D Secure) sends invoice.payment_action_required. When the retries run
// out, the subscription goes the way the account's retry settings say: it stays past_due, becomes
// unpaid (customer.subscription.updated), or is cancelled (customer.subscription.deleted).
import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { invalidRequest } from './errors.ts';
import { cancelSubscription, payInvoice } from './flows-billing.ts';
import { failPayment } from './flows-payments.ts';
import type { StripeObject } from './store.ts';

export type RetryOutcome = 'succeeded' | 'failed' | 'action_required';
export type WhenExhausted = 'past_due' | 'unpaid' | 'canceled';

export interface RetrySettings {
  /** Attempts in all, the first included (Stripe's default schedule makes 4 within 2 weeks). */
  maxAttempts: number;
  whenExhausted: WhenExhausted;
}

const RETRY_INTERVAL_SEC = 3 * 86400;

export function retryInvoice(ctx: EmulatorContext, invoice: StripeObject, outcome: RetryOutcome, settings: RetrySettings, req: RequestInfo): StripeObject {
  const subId = invoice.parent?.subscription_details?.subscription as string | undefined;
  const sub = subId ? ctx.store.subscriptions.get(subId) : undefined;
  if (invoice.status !== 'open' || !sub) throw invalidRequest(`Invoice ${invoice.id} is ${invoice.status} and has no payment to retry.`, 'invoice');
  if (sub.status === 'canceled') throw invalidRequest(`Subscription ${sub.id} is canceled.`, 'invoice');
  const invoicePayment = invoice.payments.data[0] as StripeObject;
  const pi = ctx.store.paymentIntents.get(invoicePayment.payment.payment_intent as string)!;
  Object.assign(pi, { payment_method: sub.default_payment_method, next_action: null });
  invoice.attempt_count += 1;
  if (outcome === 'succeeded') {
    payInvoice(ctx, invoice, invoicePayment, pi, req);
    setStatus(ctx, sub, 'active', req);
    return invoice;
  }
  const exhausted = invoice.attempt_count >= settings.maxAttempts;
  invoice.next_payment_attempt = exhausted ? null : nowSec(ctx) + RETRY_INTERVAL_SEC;
  if (outcome === 'action_required') {
    Object.assign(pi, { status: 'requires_action', next_action: { type: 'use_stripe_sdk', use_stripe_sdk: {} } });
    ctx.emit('payment_intent.requires_action', pi, req);
    ctx.emit('invoice.payment_action_required', invoice, req);
  } else {
    failPayment(ctx, pi, 'card', req);
    ctx.emit('invoice.payment_failed', invoice, req);
  }
  if (exhausted) exhaust(ctx, sub, settings.whenExhausted, req);
  return invoice;
}

function exhaust(ctx: EmulatorContext, sub: StripeObject, when: WhenExhausted, req: RequestInfo): void {
  if (when === 'canceled') cancelSubscription(ctx, sub, req, 'payment_failed');
  else if (when === 'unpaid') setStatus(ctx, sub, 'unpaid', req);
}

function setStatus(ctx: EmulatorContext, sub: StripeObject, status: string, req: RequestInfo): void {
  if (sub.status === status) return;
  const previous = { status: sub.status };
  sub.status = status;
  ctx.emit('customer.subscription.updated', sub, req, previous);
}
