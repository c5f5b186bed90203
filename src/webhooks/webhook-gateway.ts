// The port that tells a delivery from a forgery: the raw bytes and their signature in, a Stripe
// event out (its shape is Stripe's own, so its type is too). The adapter is
// src/stripe/stripe-webhook-gateway.ts, which verifies with the SDK.
import type Stripe from 'stripe';

export type VerifiedDelivery =
  | { ok: true; event: Stripe.Event }
  /** `signature`: forged, stale or signed with another secret; `body`: not an event at all. */
  | { ok: false; problem: 'signature' | 'body' };

export interface WebhookGateway {
  verify(rawBody: Buffer, signature: string, toleranceSeconds: number): VerifiedDelivery;
}
