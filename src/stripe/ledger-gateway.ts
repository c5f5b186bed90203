// What the ledger reads back from Stripe: a charge's fee (its balance transaction), the payment
// intent behind an invoice, what a payout carried, and for reconciliation the event history and
// Checkout Sessions. Failures come out as AppError (503 = transient, see stripe-errors.ts).
import type Stripe from 'stripe';
import type { ChargeFacts, PayoutContents } from '../payments/payment.ts';
import { toStripeAppError } from './stripe-errors.ts';

export interface LedgerGateway {
  /** The settled charge of a payment intent and its fee; null while nothing has been charged. */
  chargeFacts(paymentIntentId: string): Promise<ChargeFacts | null>;
  /** The payment intent that paid an invoice (since basil it sits in `invoice.payments`). */
  invoicePaymentIntent(invoiceId: string): Promise<string | null>;
  payoutContents(payoutId: string): Promise<PayoutContents>;
  /** Every event created since `since`, oldest first (Stripe keeps 30 days). */
  eventsSince(since: Date, onPage?: (count: number) => void): Promise<Stripe.Event[]>;
  checkoutSession(id: string): Promise<Stripe.Checkout.Session>;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value == null ? null : typeof value === 'string' ? value : value.id;

export function createLedgerGateway(stripe: Stripe): LedgerGateway {
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw toStripeAppError(error);
    }
  };

  return {
    chargeFacts: (paymentIntentId) =>
      call(async () => {
        const pi = await stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
        const charge = pi.latest_charge;
        if (!charge || typeof charge === 'string' || charge.status !== 'succeeded') return null;
        const bt = charge.balance_transaction;
        const known = bt && typeof bt !== 'string' && bt.currency === charge.currency ? bt : null;
        return {
          paymentIntentId,
          chargeId: charge.id,
          balanceTransactionId: idOf(bt),
          fee: known ? known.fee : null,
          net: known ? known.net : null,
        };
      }),

    invoicePaymentIntent: (invoiceId) =>
      call(async () => {
        const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ['payments'] });
        const paid = invoice.payments?.data.find((p) => p.status === 'paid') ?? invoice.payments?.data[0];
        return idOf(paid?.payment.payment_intent ?? null);
      }),

    payoutContents: (payoutId) =>
      call(async () => {
        const contents: PayoutContents = { chargeIds: [], paymentIntentIds: [], balanceTransactionIds: [], items: [], carried: 0 };
        for await (const bt of stripe.balanceTransactions.list({ payout: payoutId, limit: 100, expand: ['data.source'] })) {
          // A failed or cancelled payout's money, back in the balance and sent again in this one.
          if (bt.type === 'payout_failure' || bt.type === 'payout_cancel') contents.carried += bt.amount;
          // The payout's own transaction (type payout) is the money leaving, not a donation.
          if (bt.type !== 'charge' && bt.type !== 'payment') continue;
          contents.balanceTransactionIds.push(bt.id);
          const source = bt.source;
          const item = { balanceTransactionId: bt.id, chargeId: null as string | null, paymentIntentId: null as string | null };
          contents.items.push(item);
          if (!source) continue;
          if (typeof source === 'string') {
            contents.chargeIds.push(source);
            item.chargeId = source;
          } else if (source.object === 'charge') {
            contents.chargeIds.push(source.id);
            const pi = idOf(source.payment_intent);
            if (pi) contents.paymentIntentIds.push(pi);
            Object.assign(item, { chargeId: source.id, paymentIntentId: pi });
          }
        }
        return contents;
      }),

    eventsSince: (since, onPage) =>
      call(async () => {
        const events: Stripe.Event[] = [];
        for await (const event of stripe.events.list({ created: { gte: Math.floor(since.getTime() / 1000) }, limit: 100 })) {
          events.push(event);
          if (events.length % 100 === 0) onPage?.(events.length);
        }
        // Stripe lists newest first; applying oldest first reads naturally in logs (the result
        // does not depend on it).
        return events.reverse();
      }),

    checkoutSession: (id) => call(() => stripe.checkout.sessions.retrieve(id)),
  };
}
