import { readFileSync } from 'node:fs';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  disputeState, invoicePaymentIntentId, invoicePeriodStart, invoicePledgeHint, invoiceSubscriptionId, sessionPledgeHint,
} from '../../../src/webhooks/stripe-objects.ts';

const fixture = (name: string) => {
  const raw = JSON.parse(readFileSync(new URL(`../../fixtures/stripe/${name}.json`, import.meta.url), 'utf8'));
  return (raw.body ?? raw).data.object;
};

describe('invoices of both shapes', () => {
  it('reads the pre-basil invoice (top-level subscription, payment_intent)', () => {
    const invoice = fixture('invoice.paid.delivery') as Stripe.Invoice;
    expect(invoiceSubscriptionId(invoice)).toBe('sub_1MhUT5E0b6fckueSYAo1LoiF');
    expect(invoicePaymentIntentId(invoice)).toBeNull();
    expect(invoicePaymentIntentId({ ...invoice, payment_intent: 'pi_old' } as never)).toBe('pi_old');
    expect(invoicePledgeHint(invoice)).toBeNull();
    expect(invoicePeriodStart(invoice)).toEqual(new Date(1677833999 * 1000));
  });

  it('reads the basil-and-later invoice (parent.subscription_details, payments)', () => {
    const invoice = {
      id: 'in_1', created: 1_700_000_000, period_start: 1_700_000_000, lines: { data: [] },
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_new', metadata: { pledge_id: 'p-1' } } },
      payments: { data: [
        { status: 'canceled', payment: { type: 'payment_intent', payment_intent: 'pi_first_try' } },
        { status: 'paid', payment: { type: 'payment_intent', payment_intent: { id: 'pi_paid' } } },
      ] },
    } as unknown as Stripe.Invoice;
    expect(invoiceSubscriptionId(invoice)).toBe('sub_new');
    expect(invoicePledgeHint(invoice)).toBe('p-1');
    expect(invoicePaymentIntentId(invoice)).toBe('pi_paid');
    expect(invoicePeriodStart(invoice)).toEqual(new Date(1_700_000_000_000));
  });
});

describe('sessions and disputes', () => {
  it('takes the pledge id from metadata, else client_reference_id', () => {
    expect(sessionPledgeHint({ metadata: { pledge_id: 'a' }, client_reference_id: 'b' } as never)).toBe('a');
    expect(sessionPledgeHint(fixture('checkout.session.expired'))).toBe('00000000-0000-4000-8000-000000000000');
    expect(sessionPledgeHint({ metadata: {}, client_reference_id: null } as never)).toBeNull();
  });

  it('maps dispute statuses: open withdraws, won restores, lost keeps withdrawn, inquiries move nothing', () => {
    expect(disputeState('needs_response')).toBe('open');
    expect(disputeState('under_review')).toBe('open');
    expect(disputeState('won')).toBe('won');
    expect(disputeState('lost')).toBe('lost');
    expect(disputeState('warning_needs_response')).toBe('inquiry');
    expect(disputeState('warning_closed')).toBe('inquiry');
    expect(disputeState(fixture('charge.dispute.created').status)).toBe('open');
  });
});
