// The port through which the ledger reads back from Stripe what events do not carry: a charge's
// settlement (fee and net, from its balance transaction), the payment intent behind an invoice,
// what a payout carried, and for recovery the event history and Checkout Sessions. The adapter is
// src/stripe/stripe-ledger-gateway.ts; failures come back as the PaymentProvider* errors of
// src/errors.ts. Events and sessions are Stripe's own shapes, so their types are Stripe's.
import type Stripe from 'stripe';
import type { ChargeSettlement, PayoutContents } from './payment.ts';

export type { ChargeSettlement, PayoutContents };

export interface LedgerGateway {
  /** The settled charge of a payment intent and its fee; null while nothing has been charged. */
  chargeSettlement(paymentIntentId: string): Promise<ChargeSettlement | null>;
  /** The payment intent that paid an invoice (since basil it sits in `invoice.payments`). */
  invoicePaymentIntent(invoiceId: string): Promise<string | null>;
  payoutContents(payoutId: string): Promise<PayoutContents>;
  /** Every event created since `since`, oldest first (Stripe keeps 30 days). */
  eventsSince(since: Date, onPage?: (count: number) => void): Promise<Stripe.Event[]>;
  checkoutSession(id: string): Promise<Stripe.Checkout.Session>;
}
