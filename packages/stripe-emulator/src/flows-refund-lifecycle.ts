// A refund after it is made: a pending bank-debit refund goes through or fails days later, and a
// card refund can fail too (the card was closed). A failed refund's money comes back to the
// balance (a refund_failure balance transaction) and off the charge's amount_refunded; Stripe
// sends charge.refund.updated, refund.updated and, for a failure, refund.failed.
import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { invalidRequest } from './errors.ts';
import { buildBalanceTransaction } from './objects-payments.ts';
import type { StripeObject } from './store.ts';

export type RefundOutcome = 'succeeded' | 'failed';

function failureReason(charge: StripeObject | undefined): string {
  return charge?.payment_method_details?.type === 'card' ? 'expired_or_canceled_card' : 'insufficient_funds';
}

export function settleRefund(ctx: EmulatorContext, refund: StripeObject, outcome: RefundOutcome, req: RequestInfo): StripeObject {
  const allowed = outcome === 'succeeded' ? ['pending'] : ['pending', 'succeeded'];
  if (!allowed.includes(refund.status)) {
    throw invalidRequest(`Refund ${refund.id} is ${refund.status} and cannot become ${outcome}.`, 'refund');
  }
  const previous = { status: refund.status };
  if (outcome === 'failed') failRefund(ctx, refund);
  else refund.status = 'succeeded';
  ctx.emit('charge.refund.updated', refund, req, previous);
  ctx.emit('refund.updated', refund, req, previous);
  if (outcome === 'failed') ctx.emit('refund.failed', refund, req);
  return refund;
}

function failRefund(ctx: EmulatorContext, refund: StripeObject): void {
  const now = nowSec(ctx);
  const charge = ctx.store.charges.get(refund.charge as string);
  const bt = buildBalanceTransaction(now, {
    amount: refund.amount,
    fee: 0,
    currency: refund.currency,
    description: 'REFUND FAILURE',
    source: refund.id,
    type: 'refund_failure',
    reportingCategory: 'refund_failure',
    availableOn: now,
  });
  ctx.store.balanceTransactions.set(bt.id, bt);
  Object.assign(refund, { status: 'failed', failure_reason: failureReason(charge), failure_balance_transaction: bt.id });
  if (charge) {
    charge.amount_refunded -= refund.amount;
    charge.refunded = false;
  }
}
