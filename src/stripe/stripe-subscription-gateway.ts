// The manage domain's port (src/manage/subscription-gateway.ts) on the stripe SDK.
import type Stripe from 'stripe';
import type { SubscriptionGateway } from '../manage/subscription-gateway.ts';
import { callStripe as call } from './stripe-errors.ts';

export function createSubscriptionGateway(stripe: Stripe): SubscriptionGateway {
  return {
    changeAmount: (id, change, idempotencyKey) =>
      call(async () => {
        const sub = await stripe.subscriptions.retrieve(id);
        const item = sub.items.data[0]!;
        const product = typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
        await stripe.subscriptions.update(
          id,
          {
            items: [{ id: item.id, price_data: { currency: change.currency, product, unit_amount: change.amount, recurring: { interval: 'month' } } }],
            proration_behavior: 'none',
            metadata: { covered_fee: String(change.coveredFee) },
          },
          { idempotencyKey },
        );
      }),
    pause: (id) => call(async () => void (await stripe.subscriptions.update(id, { pause_collection: { behavior: 'void' } }))),
    resume: (id) => call(async () => void (await stripe.subscriptions.update(id, { pause_collection: '' }))),
    cancel: (id) =>
      call(async () => {
        // Stripe keeps metadata on the canceled subscription: the deleted event names the donor.
        await stripe.subscriptions.update(id, { metadata: { cancelled_by: 'donor' } });
        await stripe.subscriptions.cancel(id);
      }),
    portalUrl: (customer, returnUrl) =>
      call(async () => (await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl })).url),
  };
}
