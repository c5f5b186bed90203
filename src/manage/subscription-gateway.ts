// What the manage domain needs from Stripe (a port; src/stripe/stripe-subscription-gateway.ts
// implements it and createStripeGateways hands it out).
export interface SubscriptionGateway {
  /** The new monthly charge from the next invoice on, without proration. */
  changeAmount(subscriptionId: string, change: { amount: number; currency: string; coveredFee: number }, idempotencyKey: string): Promise<void>;
  pause(subscriptionId: string): Promise<void>;
  resume(subscriptionId: string): Promise<void>;
  /** Cancels at once, marked as the donor's own decision. */
  cancel(subscriptionId: string): Promise<void>;
  /** Stripe's customer portal (card update), back to `returnUrl`. */
  portalUrl(customerId: string, returnUrl: string): Promise<string>;
}
