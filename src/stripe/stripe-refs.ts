// Reading Stripe's references and states the same way everywhere (webhook payloads, API answers):
// a reference is an id or an expanded object, and a payload of an unexpected shape reads as absent.
import type Stripe from 'stripe';

export type Ref = string | { id: string } | null | undefined;

export const idOf = (value: Ref): string | null => {
  if (typeof value === 'string') return value;
  const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : null;
};

/** Warnings (inquiries) move no money; a closed warning is no chargeback either. */
export function disputeState(status: Stripe.Dispute.Status): 'open' | 'won' | 'lost' | 'inquiry' {
  if (typeof status !== 'string') return 'open';
  if (status === 'won') return 'won';
  if (status === 'lost') return 'lost';
  if (status.startsWith('warning_')) return 'inquiry';
  return 'open';
}
