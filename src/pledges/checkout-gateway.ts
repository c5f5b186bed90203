// The port the pledge service sells through: it says what to sell, in its own terms; an adapter
// (src/stripe/stripe-checkout-gateway.ts) says it in Stripe's. Failures come back as the
// PaymentProvider* errors of src/errors.ts.
import type { Frequency } from './pledge.ts';

export interface CheckoutRequest {
  pledgeId: string;
  campaignSlug: string;
  campaignTitle: string;
  amount: number;
  currency: string;
  frequency: Frequency;
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
