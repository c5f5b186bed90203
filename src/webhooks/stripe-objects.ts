// Reading the few fields the ledger needs from Stripe objects, across API versions. Invoices
// changed shape in 2025-03-31.basil: the subscription moved to `parent.subscription_details` and
// the payment to `payments`; older deliveries (and fixtures) carry top-level `subscription`,
// `subscription_details`, `payment_intent` and `charge`. Both are read here and nowhere else.
// Verified does not mean well-formed: a payload of an unexpected shape must read as "absent"
// (null) or fail as a PermanentEventError (stored as failed, replayable), never as a TypeError
// that would answer 5xx and have Stripe retry it for three days.
import type Stripe from 'stripe';
import { idOf, type Ref } from '../stripe/stripe-refs.ts';
import { PermanentEventError } from './webhook-errors.ts';

export { disputeState, idOf } from '../stripe/stripe-refs.ts';

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Pre-basil invoice fields, absent from the SDK's current types. */
interface LegacyInvoice {
  subscription?: Ref;
  subscription_details?: { metadata?: Record<string, string> | null } | null;
  payment_intent?: Ref;
  charge?: Ref;
}

const legacy = (invoice: Stripe.Invoice) => invoice as unknown as LegacyInvoice;

export function invoiceSubscriptionId(invoice: Stripe.Invoice): string | null {
  return idOf(invoice.parent?.subscription_details?.subscription ?? legacy(invoice).subscription ?? null);
}

export function invoicePledgeHint(invoice: Stripe.Invoice): string | null {
  const metadata =
    invoice.parent?.subscription_details?.metadata ??
    legacy(invoice).subscription_details?.metadata ??
    invoice.lines?.data?.[0]?.metadata ??
    null;
  return stringOrNull((metadata as Record<string, unknown> | null)?.pledge_id);
}

export function invoicePaymentIntentId(invoice: Stripe.Invoice): string | null {
  const data: unknown = invoice.payments?.data;
  const payments = Array.isArray(data) ? (data as Array<Stripe.InvoicePayment | null>) : [];
  const paid = payments.find((p) => p?.status === 'paid') ?? payments[0];
  return idOf(paid?.payment?.payment_intent ?? legacy(invoice).payment_intent ?? null);
}

export function invoicePeriodStart(invoice: Stripe.Invoice): Date {
  const line = invoice.lines?.data?.[0];
  return fromUnix(line?.period?.start ?? invoice.period_start ?? invoice.created);
}

export function invoicePaidAt(invoice: Stripe.Invoice): Date {
  return fromUnix(invoice.status_transitions?.paid_at ?? invoice.created);
}

export function sessionPledgeHint(session: Stripe.Checkout.Session): string | null {
  return stringOrNull((session.metadata as Record<string, unknown> | null)?.pledge_id) ?? stringOrNull(session.client_reference_id);
}

export const fromUnix = (seconds: number): Date => {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || Math.abs(seconds) > 8.64e12) {
    throw new PermanentEventError(`not a Unix timestamp (${typeof seconds})`);
  }
  return new Date(seconds * 1000);
};
