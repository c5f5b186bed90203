// Reading the few fields the ledger needs from Stripe objects, across API versions. Invoices
// changed shape in 2025-03-31.basil: the subscription moved to `parent.subscription_details` and
// the payment to `payments`; older deliveries (and fixtures) carry top-level `subscription`,
// `subscription_details`, `payment_intent` and `charge`. Both are read here and nowhere else.
import type Stripe from 'stripe';

type Ref = string | { id: string } | null | undefined;

export const idOf = (value: Ref): string | null => (value == null ? null : typeof value === 'string' ? value : value.id);

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
  return metadata?.pledge_id ?? null;
}

export function invoicePaymentIntentId(invoice: Stripe.Invoice): string | null {
  const payments = invoice.payments?.data ?? [];
  const paid = payments.find((p) => p.status === 'paid') ?? payments[0];
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
  return session.metadata?.pledge_id ?? session.client_reference_id ?? null;
}

/** Warnings (inquiries) move no money; a closed warning is no chargeback either. */
export function disputeState(status: Stripe.Dispute.Status): 'open' | 'won' | 'lost' | 'inquiry' {
  if (status === 'won') return 'won';
  if (status === 'lost') return 'lost';
  if (status.startsWith('warning_')) return 'inquiry';
  return 'open';
}

export const fromUnix = (seconds: number): Date => new Date(seconds * 1000);
