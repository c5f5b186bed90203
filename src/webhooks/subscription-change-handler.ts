// customer.subscription.updated, the one handler of that event: the subscription's status (active
// again, past_due while Stripe retries a declined renewal, unpaid once the retries ran out; see
// src/pledges/dunning.ts) and what the donor set (a new amount or a pause, on the manage page or
// Stripe's customer portal). The pledge follows the subscription as of the event.
import type Stripe from 'stripe';
import type { LedgerOutcome } from '../payments/payment-service.ts';
import { subjectOf } from '../payments/payment-service.ts';
import type { EventHandler } from './event-handler.ts';
import { fromUnix } from './stripe-objects.ts';

export const subscriptionUpdated: EventHandler<Stripe.Subscription> = {
  subjects: (sub) => [subjectOf.subscription(sub.id)],
  async apply(sub, { ledger, event }): Promise<LedgerOutcome> {
    const hint = sub.metadata?.pledge_id ?? null;
    const item = sub.items?.data?.[0];
    const status = await ledger.recordSubscriptionStatus(sub.id, hint, String(sub.status), fromUnix(item?.current_period_start ?? sub.created));
    if (status.status !== 'processed') return status;
    // No priced item: the status is recorded, there is no amount to follow.
    if (!item?.price?.unit_amount) return status;
    const covered = Number(sub.metadata?.covered_fee);
    return ledger.recordSubscriptionChanged(sub.id, hint, {
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
