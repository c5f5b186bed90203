// Property tests for the readers of Stripe objects: whatever shape an object has (any API
// version, any missing or mistyped field), they answer, return null, or throw a
// PermanentEventError (stored as failed); never a TypeError (a 5xx Stripe would retry for days).
import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  disputeState, idOf, invoicePaidAt, invoicePaymentIntentId, invoicePeriodStart, invoicePledgeHint, invoiceSubscriptionId,
  sessionPledgeHint,
} from '../../../src/webhooks/stripe-objects.ts';
import { PermanentEventError } from '../../../src/webhooks/webhook-errors.ts';

const dateOrPermanent = (read: () => Date) => {
  try {
    expect(Number.isNaN(read().getTime())).toBe(false);
  } catch (error) {
    expect(error).toBeInstanceOf(PermanentEventError);
  }
};

// Objects shaped like an invoice or a session, with every field sometimes missing or mistyped.
const anything = fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true });
const ref = fc.oneof(fc.string(), fc.record({ id: fc.string() }), fc.constant(null), anything);
const invoiceLike = fc.record(
  {
    id: fc.oneof(fc.string(), anything),
    created: fc.oneof(fc.integer(), anything),
    period_start: fc.oneof(fc.integer(), anything),
    subscription: ref,
    payment_intent: ref,
    subscription_details: fc.oneof(fc.record({ metadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), anything) }), anything),
    parent: fc.oneof(fc.record({ subscription_details: fc.oneof(fc.record({ subscription: ref, metadata: anything }), anything) }), anything),
    payments: fc.oneof(fc.record({ data: fc.oneof(fc.array(fc.record({ status: anything, payment: fc.oneof(fc.record({ payment_intent: ref }), anything) })), anything) }), anything),
    lines: fc.oneof(fc.record({ data: fc.oneof(fc.array(fc.record({ metadata: anything, period: fc.oneof(fc.record({ start: anything }), anything) })), anything) }), anything),
    status_transitions: fc.oneof(fc.record({ paid_at: anything }), anything),
  },
  { requiredKeys: [] },
);

const isIdOrNull = (v: unknown) => v === null || v === undefined || typeof v === 'string' || typeof v === 'object' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'symbol';

describe('stripe-objects readers never throw on arbitrary shapes', () => {
  it('invoices', () => {
    fc.assert(fc.property(invoiceLike, (raw) => {
      const inv = raw as unknown as Stripe.Invoice;
      expect(isIdOrNull(invoiceSubscriptionId(inv))).toBe(true);
      expect(isIdOrNull(invoicePaymentIntentId(inv))).toBe(true);
      invoicePledgeHint(inv);
      dateOrPermanent(() => invoicePeriodStart(inv));
      dateOrPermanent(() => invoicePaidAt(inv));
    }), { numRuns: 2000 });
  });

  it('sessions and references', () => {
    fc.assert(fc.property(fc.record({ metadata: anything, client_reference_id: anything }, { requiredKeys: [] }), ref, (s, r) => {
      expect([null, 'string']).toContain(sessionPledgeHint(s as unknown as Stripe.Checkout.Session) === null ? null : 'string');
      expect([null, 'string']).toContain(idOf(r as never) === null ? null : 'string');
    }), { numRuns: 2000 });
  });

  it('dispute states: any value maps to one of four states', () => {
    fc.assert(fc.property(anything, (status) => {
      expect(['open', 'won', 'lost', 'inquiry']).toContain(disputeState(status as Stripe.Dispute.Status));
    }), { numRuns: 1000 });
  });
});
