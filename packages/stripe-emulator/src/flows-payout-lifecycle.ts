// A payout after it is made. A pending payout can be cancelled (POST /v1/payouts/:id/cancel,
// Stripe's own call) or sent; one in transit or even paid can fail days later (the bank account
// was closed). Either way the money comes back to the balance as one balance transaction
// (payout_cancel / payout_failure) that the next payout carries; the charges stay listed under the
// payout that failed. The bank can also move the expected arrival date (payout.updated).
import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { invalidRequest } from './errors.ts';
import { buildBalanceTransaction, type BalanceTransactionType } from './objects-payments.ts';
import type { StripeObject } from './store.ts';

export const PAYOUT_FAILURES = ['account_closed', 'account_frozen', 'bank_account_restricted', 'could_not_process', 'insufficient_funds', 'no_account'] as const;
export type PayoutFailure = (typeof PAYOUT_FAILURES)[number];

const FAILURE_MESSAGES: Record<PayoutFailure, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  bank_account_restricted: 'The bank account has restrictions on either the type or number of payouts allowed.',
  could_not_process: 'The bank could not process this payout.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  no_account: 'The bank account details on file are probably incorrect.',
};

function requireStatus(payout: StripeObject, allowed: string[], action: string): void {
  if (!allowed.includes(payout.status)) throw invalidRequest(`Payout ${payout.id} is ${payout.status} and cannot be ${action}.`, 'payout');
}

/** The payout's money back in the balance: the next payout carries it. */
function returnFunds(ctx: EmulatorContext, payout: StripeObject, type: BalanceTransactionType): StripeObject {
  const now = nowSec(ctx);
  const bt = buildBalanceTransaction(now, {
    amount: payout.amount,
    fee: 0,
    currency: payout.currency,
    description: type === 'payout_failure' ? 'STRIPE PAYOUT FAILURE' : 'STRIPE PAYOUT CANCEL',
    source: payout.id,
    type,
    reportingCategory: 'payout_reversal',
    availableOn: now,
  });
  bt.status = 'available';
  ctx.store.balanceTransactions.set(bt.id, bt);
  return bt;
}

export function cancelPayout(ctx: EmulatorContext, payout: StripeObject, req: RequestInfo): StripeObject {
  requireStatus(payout, ['pending'], 'canceled');
  const bt = returnFunds(ctx, payout, 'payout_cancel');
  Object.assign(payout, { status: 'canceled', reversed_by: null, failure_balance_transaction: bt.id });
  ctx.emit('payout.canceled', payout, req, { status: 'pending' });
  return payout;
}

export function payPendingPayout(ctx: EmulatorContext, payout: StripeObject, req: RequestInfo): StripeObject {
  requireStatus(payout, ['pending', 'in_transit'], 'paid');
  payout.status = 'paid';
  ctx.emit('payout.paid', payout, req);
  return payout;
}

export function failPayout(ctx: EmulatorContext, payout: StripeObject, code: PayoutFailure, req: RequestInfo): StripeObject {
  requireStatus(payout, ['pending', 'in_transit', 'paid'], 'failed');
  const previous = { status: payout.status };
  const bt = returnFunds(ctx, payout, 'payout_failure');
  Object.assign(payout, { status: 'failed', failure_code: code, failure_message: FAILURE_MESSAGES[code], failure_balance_transaction: bt.id });
  ctx.emit('payout.failed', payout, req, previous);
  return payout;
}

/** The bank moves the expected arrival date. */
export function delayPayout(ctx: EmulatorContext, payout: StripeObject, arrivalDate: number, req: RequestInfo): StripeObject {
  requireStatus(payout, ['pending', 'in_transit'], 'updated');
  const previous = { arrival_date: payout.arrival_date };
  payout.arrival_date = arrivalDate;
  ctx.emit('payout.updated', payout, req, previous);
  return payout;
}
