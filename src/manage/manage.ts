// The donor's self-service: what the manage domain needs from Stripe (a port; the adapter is
// src/stripe/subscription-gateway.ts) and what it shows.
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

export interface DonorGift {
  id: string;
  campaignTitle: string;
  frequency: 'once' | 'monthly';
  amount: number;
  coveredFee: number;
  coverFees: boolean;
  currency: string;
  status: string;
  subscriptionStatus: string | null;
  subscriptionStatusAt: Date | null;
  stripeSubscriptionId: string | null;
  stripeCustomerId: string | null;
  pausedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
}

export interface DonorReceipt {
  id: string;
  subject: string;
  createdAt: Date;
}
