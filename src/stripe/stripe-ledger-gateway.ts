// What the ledger reads back from Stripe (its port: src/payments/ledger-gateway.ts). Failures come
// out as the domain's PaymentProvider* errors (see stripe-errors.ts).
import type Stripe from 'stripe';
import type { LedgerGateway, PayoutContents } from '../payments/ledger-gateway.ts';
import { callStripe } from './stripe-errors.ts';
import { idOf } from './stripe-refs.ts';

export function createLedgerGateway(stripe: Stripe): LedgerGateway {
  return {
    chargeSettlement: (paymentIntentId) =>
      callStripe(async () => {
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
      callStripe(async () => {
        const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ['payments'] });
        const paid = invoice.payments?.data.find((p) => p.status === 'paid') ?? invoice.payments?.data[0];
        return idOf(paid?.payment.payment_intent ?? null);
      }),

    payoutContents: (payoutId) =>
      callStripe(async () => {
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
      callStripe(async () => {
        const events: Stripe.Event[] = [];
        for await (const event of stripe.events.list({ created: { gte: Math.floor(since.getTime() / 1000) }, limit: 100 })) {
          events.push(event);
          if (events.length % 100 === 0) onPage?.(events.length);
        }
        // Stripe lists newest first; applying oldest first reads naturally in logs (the result
        // does not depend on it).
        return events.reverse();
      }),

    checkoutSession: (id) => callStripe(() => stripe.checkout.sessions.retrieve(id)),
  };
}
