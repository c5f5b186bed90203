import { describe, expect, it } from 'vitest';
import { eventHandlers } from '../../../src/webhooks/event-handlers.ts';
import { isPermanentFailure, PermanentEventError } from '../../../src/webhooks/webhook-errors.ts';

describe('which failures Stripe should retry', () => {
  it('never retries a payload we cannot apply or data the database rejects', () => {
    expect(isPermanentFailure(new PermanentEventError('no id'))).toBe(true);
    // The shape Prisma's driver adapter gives a failed raw query.
    const checkViolation = Object.assign(new Error('raw query failed'), {
      code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '23514' } } },
    });
    expect(isPermanentFailure(checkViolation)).toBe(true);
    expect(isPermanentFailure({ cause: { code: '22023' } })).toBe(true);
  });

  it('retries everything else: lost connections, deadlocks, unique races, Stripe outages', () => {
    expect(isPermanentFailure(Object.assign(new Error('terminated'), { code: '57P01' }))).toBe(false);
    expect(isPermanentFailure({ code: '40P01' })).toBe(false);
    expect(isPermanentFailure({ code: 'P2010', meta: { code: '23505' } })).toBe(false);
    expect(isPermanentFailure(new Error('ECONNREFUSED'))).toBe(false);
    expect(isPermanentFailure({ status: 503, code: 'stripe_unavailable' })).toBe(false);
  });
});

describe('the handler map', () => {
  it('handles every event type the ledger depends on', () => {
    expect(Object.keys(eventHandlers).sort()).toEqual([
      'charge.dispute.closed', 'charge.dispute.created', 'charge.dispute.funds_reinstated', 'charge.dispute.funds_withdrawn',
      'charge.dispute.updated', 'charge.pending', 'charge.refund.updated', 'charge.refunded', 'charge.updated',
      'checkout.session.async_payment_failed', 'checkout.session.async_payment_succeeded', 'checkout.session.completed',
      'checkout.session.expired', 'customer.subscription.deleted', 'customer.subscription.updated', 'invoice.paid',
      'invoice.payment_action_required', 'invoice.payment_failed', 'payout.canceled', 'payout.created', 'payout.failed', 'payout.paid',
      'payout.updated', 'refund.created', 'refund.failed', 'refund.updated',
    ]);
  });
});
