// A bank debit (SEPA, ACH) as Stripe runs it: the charge exists from the start, `pending`
// (charge.pending) and set as the payment intent's latest_charge while the bank works. The bank's
// answer settles that same charge: it succeeds (charge.succeeded, with no balance transaction yet;
// charge.updated when it arrives) or fails (charge.failed) without a new charge being made.
import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { chargeOf, settleCharge, usePaymentMethod } from './flows-payments.ts';
import type { StripeObject } from './store.ts';

const BANK_SETTLEMENT_DELAY_SEC = 2 * 86400;
const INSUFFICIENT_FUNDS = "The customer's account has insufficient funds to cover this payment.";

/** The donor confirms the mandate: the payment intent is processing with its pending charge. */
export function startBankDebit(ctx: EmulatorContext, pi: StripeObject, email: string | null, req: RequestInfo): StripeObject {
  const bank = usePaymentMethod(ctx, { kind: 'sepa_debit', email, customer: pi.customer });
  const charge = chargeOf(ctx, pi, { now: nowSec(ctx), paymentMethod: bank.id, kind: 'sepa_debit', declined: false });
  Object.assign(charge, { status: 'pending', paid: false });
  ctx.store.charges.set(charge.id, charge);
  // `processing` describes card payments only; a bank debit in flight leaves it null.
  Object.assign(pi, { status: 'processing', payment_method: bank.id, latest_charge: charge.id, processing: null });
  ctx.emit('charge.pending', charge, req);
  ctx.emit('payment_intent.processing', pi, req);
  return charge;
}

/** The bank's answer on the pending charge. Returns the charge, settled. */
export function settleBankDebit(ctx: EmulatorContext, pi: StripeObject, outcome: 'succeeded' | 'failed', req: RequestInfo): StripeObject {
  const charge = ctx.store.charges.get(pi.latest_charge as string)!;
  if (outcome === 'failed') return failDebit(ctx, pi, charge, req);
  Object.assign(charge, { status: 'succeeded', paid: true });
  Object.assign(pi, { status: 'succeeded', amount_received: pi.amount, last_payment_error: null });
  ctx.emit('charge.succeeded', charge, req);
  ctx.emit('payment_intent.succeeded', pi, req);
  return charge;
}

/** The balance transaction of a settled debit comes after the charge succeeded: charge.updated. */
export function recordDebitFunds(ctx: EmulatorContext, charge: StripeObject, req: RequestInfo): void {
  settleCharge(ctx, charge, nowSec(ctx), BANK_SETTLEMENT_DELAY_SEC);
  ctx.emit('charge.updated', charge, req, { balance_transaction: null });
}

function failDebit(ctx: EmulatorContext, pi: StripeObject, charge: StripeObject, req: RequestInfo): StripeObject {
  Object.assign(charge, {
    status: 'failed',
    paid: false,
    failure_code: 'insufficient_funds',
    failure_message: INSUFFICIENT_FUNDS,
    outcome: { ...charge.outcome, network_status: 'declined_by_network', seller_message: 'The bank declined the debit.', type: 'issuer_declined' },
  });
  const paymentMethod = ctx.store.paymentMethods.get(charge.payment_method as string)!;
  Object.assign(pi, {
    status: 'requires_payment_method',
    payment_method: null,
    processing: null,
    last_payment_error: {
      charge: charge.id,
      code: 'insufficient_funds',
      doc_url: 'https://stripe.com/docs/error-codes/insufficient-funds',
      message: INSUFFICIENT_FUNDS,
      payment_method: structuredClone(paymentMethod),
      type: 'invalid_request_error',
    },
  });
  ctx.emit('charge.failed', charge, req);
  ctx.emit('payment_intent.payment_failed', pi, req);
  return charge;
}
