// Stripe's own record, read back through its public list endpoints (every page): what the
// product's database must agree with at the end.
import type Stripe from 'stripe';

export interface StripeRecord {
  events: Stripe.Event[];
  sessions: Stripe.Checkout.Session[];
  paymentIntents: Map<string, Stripe.PaymentIntent>;
  charges: Stripe.Charge[];
  balanceTransactions: Map<string, Stripe.BalanceTransaction>;
  disputes: Stripe.Dispute[];
  subscriptions: Map<string, Stripe.Subscription>;
  invoices: Stripe.Invoice[];
  payouts: Stripe.Payout[];
  /** balance transaction id -> payout id (Stripe answers this only through `?payout=`). */
  payoutOfTransaction: Map<string, string>;
}

/** Every page of a list (the SDK's autoPagingToArray stops at 10,000 items). */
async function all<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}

export async function readStripeRecord(stripe: Stripe): Promise<StripeRecord> {
  const [events, sessions, paymentIntents, charges, balanceTransactions, disputes, subscriptions, invoices, payouts] = await Promise.all([
    all(stripe.events.list({ limit: 100 })),
    all(stripe.checkout.sessions.list({ limit: 100 })),
    all(stripe.paymentIntents.list({ limit: 100 })),
    all(stripe.charges.list({ limit: 100 })),
    all(stripe.balanceTransactions.list({ limit: 100 })),
    all(stripe.disputes.list({ limit: 100 })),
    all(stripe.subscriptions.list({ limit: 100, status: 'all' })),
    all(stripe.invoices.list({ limit: 100 })),
    all(stripe.payouts.list({ limit: 100 })),
  ]);
  const payoutOfTransaction = new Map<string, string>();
  for (const payout of payouts) {
    for (const bt of await all(stripe.balanceTransactions.list({ payout: payout.id, limit: 100 }))) {
      payoutOfTransaction.set(bt.id, payout.id);
    }
  }
  return {
    events,
    sessions,
    paymentIntents: new Map(paymentIntents.map((pi) => [pi.id, pi])),
    charges,
    balanceTransactions: new Map(balanceTransactions.map((bt) => [bt.id, bt])),
    disputes,
    subscriptions: new Map(subscriptions.map((s) => [s.id, s])),
    invoices,
    payouts,
    payoutOfTransaction,
  };
}
