// Every port the domains declare, implemented on one Stripe client: what the composition root
// hands out instead of the client itself.
import type Stripe from 'stripe';
import { createCheckoutGateway } from './stripe-checkout-gateway.ts';
import { createLedgerGateway } from './stripe-ledger-gateway.ts';
import { createReconciliationGateway } from './stripe-reconciliation-gateway.ts';
import { createRefundGateway } from './stripe-refund-gateway.ts';
import { createSubscriptionGateway } from './stripe-subscription-gateway.ts';
import { createWebhookGateway } from './stripe-webhook-gateway.ts';

export function createStripeGateways(stripe: Stripe, webhookSecret: string) {
  return {
    checkout: createCheckoutGateway(stripe),
    ledger: createLedgerGateway(stripe),
    reconciliation: createReconciliationGateway(stripe),
    refunds: createRefundGateway(stripe),
    subscriptions: createSubscriptionGateway(stripe),
    webhooks: createWebhookGateway(stripe, webhookSecret),
  };
}

export type StripeGateways = ReturnType<typeof createStripeGateways>;
