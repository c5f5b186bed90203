// Webhook signatures, verified by the SDK over the raw bytes with the endpoint's secret (its port:
// src/webhooks/webhook-gateway.ts).
import type Stripe from 'stripe';
import type { WebhookGateway } from '../webhooks/webhook-gateway.ts';

export function createWebhookGateway(stripe: Stripe, webhookSecret: string): WebhookGateway {
  return {
    verify(rawBody, signature, toleranceSeconds) {
      try {
        return { ok: true, event: stripe.webhooks.constructEvent(rawBody, signature, webhookSecret, toleranceSeconds) };
      } catch (error) {
        const forged = (error as { type?: string }).type === 'StripeSignatureVerificationError';
        return { ok: false, problem: forged ? 'signature' : 'body' };
      }
    },
  };
}
