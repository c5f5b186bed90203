// Event type -> handler. Types not listed here are stored as ignored and acknowledged.
import type Stripe from 'stripe';
import { PaymentProviderRefused } from '../errors.ts';
import { subjectOf, type CheckoutFacts } from '../payments/payment-service.ts';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';
import { cancelledBy, subscriptionUpdated } from './subscription-change-handler.ts';
import type { EventHandler, HandlerMap } from './event-handler.ts';
import { lifecycleHandlers } from './lifecycle-handlers.ts';
import { PermanentEventError } from './webhook-errors.ts';
import {
  fromUnix, idOf, invoicePaidAt, invoicePaymentIntentId, invoicePeriodStart, invoicePledgeHint,
  invoiceSubscriptionId, sessionPledgeHint,
} from './stripe-objects.ts';

const compact = (keys: Array<string | null | false | undefined>): string[] => keys.filter((k): k is string => !!k);

/** What a checkout session's event tells the ledger (both of the inbox's paths read it here). */
export function checkoutFacts(s: Stripe.Checkout.Session, event: Pick<Stripe.Event, 'created'>, outcome: CheckoutFacts['outcome']): CheckoutFacts {
  return {
    sessionId: s.id,
    pledgeIdHint: sessionPledgeHint(s),
    mode: s.mode,
    outcome,
    paid: s.payment_status === 'paid',
    amount: s.amount_total,
    currency: s.currency,
    paymentIntentId: idOf(s.payment_intent),
    subscriptionId: idOf(s.subscription),
    customerId: idOf(s.customer),
    at: fromUnix(event.created),
  };
}

function checkoutHandler(outcome: CheckoutFacts['outcome']): EventHandler<Stripe.Checkout.Session> {
  return {
    subjects: (s) =>
      compact([
        s.payment_intent && subjectOf.paymentIntent(idOf(s.payment_intent)!),
        s.subscription && subjectOf.subscription(idOf(s.subscription)!),
      ]),
    // The fee is read after the payment is committed (see src/payments/fee-filler.ts).
    afterCommit(s, { fees }) {
      const pi = idOf(s.payment_intent);
      if (s.mode === 'payment' && pi && s.payment_status === 'paid') fees.fill(pi);
    },
    apply: (s, { ledger, event }) => ledger.recordCheckout(checkoutFacts(s, event, outcome)),
  };
}

const checkoutExpired: EventHandler<Stripe.Checkout.Session> = {
  subjects: () => [],
  apply: (s, { ledger }) => ledger.expireCheckout(s.id, sessionPledgeHint(s)),
};

const chargeRefunded: EventHandler<Stripe.Charge> = {
  subjects: (c) => compact([c.payment_intent && subjectOf.paymentIntent(idOf(c.payment_intent)!), subjectOf.charge(c.id)]),
  apply: (c, { ledger }) => ledger.recordRefund({ paymentIntentId: idOf(c.payment_intent), chargeId: c.id }, c.amount_refunded),
};

interface InvoicePrepared {
  paymentIntentId: string | null;
}

const invoicePaid: EventHandler<Stripe.Invoice, InvoicePrepared> = {
  subjects: (inv, p) =>
    compact([
      inv.id && subjectOf.invoice(inv.id),
      invoiceSubscriptionId(inv) && subjectOf.subscription(invoiceSubscriptionId(inv)!),
      (p?.paymentIntentId ?? invoicePaymentIntentId(inv)) && subjectOf.paymentIntent((p?.paymentIntentId ?? invoicePaymentIntentId(inv))!),
    ]),
  async prepare(inv, { gateway, logger }) {
    let paymentIntentId = invoicePaymentIntentId(inv);
    if (!paymentIntentId && inv.id && inv.amount_paid > 0) {
      // Real Stripe leaves `payments` out of the event unless expanded: ask for it.
      paymentIntentId = await gateway.invoicePaymentIntent(inv.id).catch((error: unknown) => {
        logger.warn({ err: error, invoiceId: inv.id }, 'invoice payment not available from Stripe now');
        return null;
      });
    }
    // Only what keys the payment is read here; its fee follows the commit (fee-filler.ts).
    return { paymentIntentId };
  },
  afterCommit(_inv, { fees }, prepared) {
    if (prepared?.paymentIntentId) fees.fill(prepared.paymentIntentId);
  },
  apply(inv, { ledger, prepared }) {
    if (!inv.id) throw new PermanentEventError('invoice without an id');
    return ledger.recordInvoicePaid({
      invoiceId: inv.id,
      subscriptionId: invoiceSubscriptionId(inv),
      pledgeIdHint: invoicePledgeHint(inv),
      amountPaid: inv.amount_paid,
      currency: inv.currency,
      paymentIntentId: prepared?.paymentIntentId ?? invoicePaymentIntentId(inv),
      periodStart: invoicePeriodStart(inv),
      paidAt: invoicePaidAt(inv),
    });
  },
};

const subscriptionDeleted: EventHandler<Stripe.Subscription> = {
  subjects: (sub) => [subjectOf.subscription(sub.id)],
  apply: (sub, { ledger, event }) =>
    ledger.recordSubscriptionEnded(
      sub.id, sub.metadata?.pledge_id ?? null, fromUnix(sub.ended_at ?? sub.canceled_at ?? event.created), cancelledBy(sub),
    ),
};

// Every payout event (created, updated, paid, failed, canceled): the payout as it now stands and
// the payments it carries (Stripe lists them for a pending payout too).
const payoutState: EventHandler<Stripe.Payout, Awaited<ReturnType<LedgerGateway['payoutContents']>>> = {
  subjects: (po) => [`po:${po.id}`],
  async prepare(po, { gateway }) {
    try {
      return await gateway.payoutContents(po.id);
    } catch (error) {
      // Stripe down: let Stripe retry the event. Stripe refusing (no such payout): never works.
      if (error instanceof PaymentProviderRefused) throw new PermanentEventError(`payout ${po.id}: ${error.message}`);
      throw error;
    }
  },
  apply(po, { ledger, prepared }) {
    // Re-applied without Stripe's list (never deferred today): nothing to match against.
    if (!prepared) throw new PermanentEventError('payout contents unavailable');
    return ledger.recordPayout(
      {
        id: po.id, amount: po.amount, currency: po.currency, status: po.status, arrivalDate: fromUnix(po.arrival_date),
        failureCode: po.failure_code ?? null, failureMessage: po.failure_message ?? null,
      },
      prepared,
    );
  },
};

export const eventHandlers: HandlerMap = {
  'checkout.session.completed': checkoutHandler('completed'),
  'checkout.session.async_payment_succeeded': checkoutHandler('async_succeeded'),
  'checkout.session.async_payment_failed': checkoutHandler('async_failed'),
  'checkout.session.expired': checkoutExpired,
  'charge.refunded': chargeRefunded,
  'invoice.paid': invoicePaid,
  'customer.subscription.deleted': subscriptionDeleted,
  'customer.subscription.updated': subscriptionUpdated,
  'payout.created': payoutState,
  'payout.updated': payoutState,
  'payout.paid': payoutState,
  'payout.failed': payoutState,
  'payout.canceled': payoutState,
  ...lifecycleHandlers,
};
