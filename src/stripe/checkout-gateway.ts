// Checkout Sessions for pledges: the pledge service says what to sell, this module says it in
// Stripe's terms. Only src/stripe/ imports the SDK.
import type Stripe from 'stripe';
import { callStripe } from './stripe-errors.ts';

export interface CheckoutRequest {
  pledgeId: string;
  campaignSlug: string;
  campaignTitle: string;
  amount: number;
  currency: string;
  frequency: 'once' | 'monthly';
  email: string;
  successUrl: string;
  cancelUrl: string;
  expiresAt: Date;
  idempotencyKey: string;
}

export interface CheckoutSessionRef {
  id: string;
  url: string;
}

export interface CheckoutGateway {
  createCheckoutSession(request: CheckoutRequest): Promise<CheckoutSessionRef>;
}

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
