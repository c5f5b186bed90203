// customer.subscription.updated: the donor changed the monthly amount or paused it (on the manage
// page or Stripe's customer portal). The pledge follows the subscription's state as of the event.
import type Stripe from 'stripe';
import { subjectOf } from '../payments/payment-service.ts';
import type { EventHandler } from './event-handler.ts';
import { fromUnix } from './stripe-objects.ts';

export const subscriptionUpdated: EventHandler<Stripe.Subscription> = {
  subjects: (sub) => [subjectOf.subscription(sub.id)],
  apply(sub, { ledger, event }) {
    const item = sub.items?.data?.[0];
    if (!item?.price?.unit_amount) return Promise.resolve({ status: 'ignored', reason: 'subscription without a priced item' });
    const covered = Number(sub.metadata?.covered_fee);
    return ledger.recordSubscriptionChanged(sub.id, sub.metadata?.pledge_id ?? null, {
      amount: item.price.unit_amount * (item.quantity ?? 1),
      currency: item.price.currency,
      coveredFee: Number.isInteger(covered) && covered >= 0 ? covered : null,
      paused: !!sub.pause_collection,
      at: fromUnix(event.created),
    });
  },
};

/** Who ended it: the donor on our manage page (metadata we set), else Stripe's reason. */
export function cancelledBy(sub: Stripe.Subscription): string | null {
  return sub.metadata?.cancelled_by || sub.cancellation_details?.reason || null;
}
