// Checkout Sessions for pledges: the pledge service says what to sell (its port,
// src/pledges/checkout-gateway.ts), this adapter says it in Stripe's terms. Only src/stripe/ imports
// the SDK's code; other folders at most name its types (the test in test/unit/architecture holds it).
import type Stripe from 'stripe';
import type { CheckoutGateway } from '../pledges/checkout-gateway.ts';
import { callStripe } from './stripe-errors.ts';

export function createCheckoutGateway(stripe: Stripe): CheckoutGateway {
  return {
    async createCheckoutSession(request) {
      const metadata = { pledge_id: request.pledgeId, campaign: request.campaignSlug };
      const monthly = request.frequency === 'monthly';
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: monthly ? 'subscription' : 'payment',
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.currency,
              unit_amount: request.amount,
              product_data: { name: `${monthly ? 'Monthly donation' : 'Donation'}: ${request.campaignTitle}` },
              ...(monthly ? { recurring: { interval: 'month' as const } } : {}),
            },
          },
        ],
        customer_email: request.email,
        client_reference_id: request.pledgeId,
        metadata,
        success_url: request.successUrl,
        cancel_url: request.cancelUrl,
        expires_at: Math.floor(request.expiresAt.getTime() / 1000),
        ...(monthly
          ? { subscription_data: { metadata } }
          : { submit_type: 'donate' as const, payment_intent_data: { metadata, description: request.campaignTitle } }),
      };
      return callStripe(async () => {
        const session = await stripe.checkout.sessions.create(params, { idempotencyKey: request.idempotencyKey });
        if (!session.url) throw new Error(`checkout session ${session.id} has no url`);
        return { id: session.id, url: session.url };
      });
    },
  };
}
