import { nowSec, type EmulatorContext, type RequestInfo, NO_REQUEST } from './context.ts';
import { EmulatorApiError, invalidRequest } from './errors.ts';
import { newId } from './ids.ts';
import { buildCheckoutLineItem, buildCheckoutSession, buildPrice, buildProduct, customerDetails } from './objects-checkout.ts';
import { cardDeclinedError, createPaymentIntent, failPayment, succeedPayment } from './flows-payments.ts';
import { startSubscription } from './flows-billing.ts';
import { recordDebitFunds, settleBankDebit, startBankDebit } from './flows-bank-debit.ts';
import type { SessionCreateInput } from './checkout-params.ts';
import type { StripeObject } from './store.ts';
import type { Listable } from './list.ts';

export type PayOutcome = 'succeeded' | 'delayed' | 'failed';

const DEFAULT_DONOR_EMAIL = 'donor@example.com';

export function createSession(ctx: EmulatorContext, input: SessionCreateInput): StripeObject {
  const now = nowSec(ctx);
  const id = newId('cs');
  const lineItems = input.lineItems.map((li) => {
    const product = buildProduct(now, li.productName, li.productDescription);
    const price = buildPrice(now, { currency: li.currency, unitAmount: li.unitAmount, productId: product.id, recurring: li.recurring });
    ctx.store.products.set(product.id, product);
    ctx.store.prices.set(price.id, price);
    return { id: newId('li'), priceId: price.id, quantity: li.quantity };
  });
  const session = buildCheckoutSession({
    id,
    created: now,
    mode: input.mode,
    currency: input.currency,
    amountTotal: input.amountTotal,
    url: `${ctx.publicUrl()}/checkout/${id}`,
    expiresAt: input.expiresAt,
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
    customerEmail: input.customerEmail,
    clientReferenceId: input.clientReferenceId,
    metadata: input.metadata,
    submitType: input.submitType,
    locale: input.locale,
  });
  ctx.store.sessions.set(id, session);
  ctx.store.sessionExtras.set(id, {
    lineItems,
    paymentIntentMetadata: input.paymentIntentMetadata,
    paymentIntentDescription: input.paymentIntentDescription,
    subscriptionMetadata: input.subscriptionMetadata,
    delayedPending: false,
  });
  return session;
}

export function sessionLineItems(ctx: EmulatorContext, session: StripeObject): Listable[] {
  const extras = ctx.store.sessionExtras.get(session.id)!;
  return extras.lineItems.map((li) => {
    const price = ctx.store.prices.get(li.priceId)!;
    const product = ctx.store.products.get(price.product as string)!;
    return buildCheckoutLineItem(li.id, price, li.quantity, product.name as string);
  });
}

export function expireSession(ctx: EmulatorContext, session: StripeObject, req: RequestInfo): StripeObject {
  if (session.status !== 'open') {
    throw invalidRequest(`Only Checkout Sessions with a status of \`open\` can be expired; this session is \`${session.status}\`.`, 'session');
  }
  session.status = 'expired';
  session.url = null;
  if (session.payment_intent) {
    const pi = ctx.store.paymentIntents.get(session.payment_intent as string);
    if (pi && pi.status === 'requires_payment_method') {
      Object.assign(pi, { status: 'canceled', canceled_at: nowSec(ctx), cancellation_reason: 'abandoned' });
      ctx.emit('payment_intent.canceled', pi, req);
    }
  }
  ctx.emit('checkout.session.expired', session, req);
  return session;
}

/** Sessions past `expires_at` expire when next looked at, emitting checkout.session.expired once. */
export function sweepExpiredSessions(ctx: EmulatorContext): void {
  const now = nowSec(ctx);
  for (const session of ctx.store.sessions.values()) {
    if (session.status === 'open' && session.expires_at <= now) expireSession(ctx, session, NO_REQUEST);
  }
}

function requireOpen(ctx: EmulatorContext, session: StripeObject): void {
  sweepExpiredSessions(ctx);
  if (session.status !== 'open') {
    throw invalidRequest(`This Checkout Session is no longer active (status: ${session.status}).`, 'session');
  }
}

function completeSession(session: StripeObject): void {
  session.status = 'complete';
  session.url = null;
  session.customer_details = customerDetails(session.customer_email ?? DEFAULT_DONOR_EMAIL, 'Jenny Rosen');
  session.collected_information = { business_name: null, individual_name: null, shipping_details: null };
}

function sessionPaymentIntent(ctx: EmulatorContext, session: StripeObject, req: RequestInfo): StripeObject {
  if (session.payment_intent) return ctx.store.paymentIntents.get(session.payment_intent as string)!;
  const extras = ctx.store.sessionExtras.get(session.id)!;
  const pi = createPaymentIntent(
    ctx,
    {
      amount: session.amount_total,
      currency: session.currency,
      customer: null,
      description: extras.paymentIntentDescription,
      metadata: extras.paymentIntentMetadata,
      email: session.customer_email,
    },
    ['card', 'sepa_debit'],
    req,
  );
  session.payment_intent = pi.id;
  return pi;
}

/** The donor submits the hosted page: same logic for the page's buttons and the test helper. */
export function paySession(ctx: EmulatorContext, session: StripeObject, outcome: PayOutcome, req: RequestInfo): StripeObject {
  requireOpen(ctx, session);
  if (session.mode === 'subscription') return paySubscriptionSession(ctx, session, outcome, req);

  const pi = sessionPaymentIntent(ctx, session, req);
  if (outcome === 'failed') {
    const charge = failPayment(ctx, pi, 'card', req);
    throw cardDeclinedError(charge, pi);
  }
  if (outcome === 'delayed') {
    startBankDebit(ctx, pi, session.customer_email, req);
    completeSession(session);
    session.payment_method_types = ['card', 'sepa_debit'];
    ctx.store.sessionExtras.get(session.id)!.delayedPending = true;
    ctx.emit('checkout.session.completed', session, req);
    return session;
  }
  succeedPayment(ctx, pi, 'card', req);
  completeSession(session);
  session.payment_status = 'paid';
  ctx.emit('checkout.session.completed', session, req);
  return session;
}

function paySubscriptionSession(ctx: EmulatorContext, session: StripeObject, outcome: PayOutcome, req: RequestInfo): StripeObject {
  if (outcome === 'delayed') {
    throw invalidRequest('The emulator supports delayed payment methods in `payment` mode only.', 'outcome');
  }
  if (outcome === 'failed') {
    // Checkout validates the card before creating the subscription, so nothing is created.
    throw new EmulatorApiError(402, {
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      doc_url: 'https://stripe.com/docs/error-codes/card-declined',
      message: 'Your card was declined.',
    });
  }
  const extras = ctx.store.sessionExtras.get(session.id)!;
  const line = extras.lineItems[0]!;
  const { customer, subscription, invoice } = startSubscription(
    ctx,
    {
      email: session.customer_email ?? DEFAULT_DONOR_EMAIL,
      price: ctx.store.prices.get(line.priceId)!,
      quantity: line.quantity,
      metadata: extras.subscriptionMetadata,
    },
    req,
  );
  completeSession(session);
  Object.assign(session, {
    customer: customer.id,
    subscription: subscription.id,
    invoice: invoice.id,
    payment_status: 'paid',
  });
  ctx.emit('checkout.session.completed', session, req);
  return session;
}

/** The bank debit of a delayed payment clears or bounces. */
export function settleSession(ctx: EmulatorContext, session: StripeObject, outcome: 'succeeded' | 'failed', req: RequestInfo): StripeObject {
  const extras = ctx.store.sessionExtras.get(session.id)!;
  if (session.status !== 'complete' || !extras.delayedPending) {
    throw invalidRequest('This Checkout Session has no delayed payment waiting to settle; pay it with `outcome=delayed` first.', 'session');
  }
  extras.delayedPending = false;
  const pi = ctx.store.paymentIntents.get(session.payment_intent as string)!;
  const charge = settleBankDebit(ctx, pi, outcome, req);
  if (outcome === 'succeeded') {
    session.payment_status = 'paid';
    ctx.emit('checkout.session.async_payment_succeeded', session, req);
    recordDebitFunds(ctx, charge, req);
  } else {
    ctx.emit('checkout.session.async_payment_failed', session, req);
  }
  return session;
}
