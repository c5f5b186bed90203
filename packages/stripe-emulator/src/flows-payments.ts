import { nowSec, type EmulatorContext, type RequestInfo } from './context.ts';
import { EmulatorApiError, invalidRequest } from './errors.ts';
import {
  buildBalanceTransaction,
  buildCharge,
  buildDispute,
  buildPaymentIntent,
  buildPaymentMethod,
  buildPayout,
  buildRefund,
  type PaymentMethodKind,
} from './objects-payments.ts';
import { closeInquiry } from './flows-dispute-lifecycle.ts';
import type { StripeObject } from './store.ts';

const DAY = 86400;
/** Card funds settle two days later in test mode; payouts fast-forward past that. */
const SETTLEMENT_DELAY_SEC = 2 * DAY;
const DISPUTE_FEE = 1500;

export interface PaymentInput {
  amount: number;
  currency: string;
  customer: string | null;
  description: string | null;
  metadata: Record<string, string>;
  email: string | null;
}

export function createPaymentIntent(ctx: EmulatorContext, input: PaymentInput, kinds: PaymentMethodKind[], req: RequestInfo): StripeObject {
  const pi = buildPaymentIntent(nowSec(ctx), {
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    description: input.description,
    metadata: input.metadata,
    receiptEmail: null,
    methodTypes: kinds,
  });
  ctx.store.paymentIntents.set(pi.id, pi);
  ctx.emit('payment_intent.created', pi, req);
  return pi;
}

/** Records the payment method a donor paid (or tried to pay) with. */
export function usePaymentMethod(
  ctx: EmulatorContext,
  a: { kind: PaymentMethodKind; email: string | null; customer: string | null; declined?: boolean },
): StripeObject {
  const pm = buildPaymentMethod(nowSec(ctx), { ...a, declined: a.declined ?? false });
  ctx.store.paymentMethods.set(pm.id, pm);
  return pm;
}

export function stripeFee(ctx: EmulatorContext, amount: number): number {
  return Math.round((amount * ctx.feeModel.percentBps) / 10000) + ctx.feeModel.fixed;
}

/** A charge of the payment intent, as Stripe makes one for each attempt. */
/** The charge's balance transaction (gross, Stripe's fee, available after `delaySec`), stored and linked. */
export function settleCharge(ctx: EmulatorContext, charge: StripeObject, now: number, delaySec: number): StripeObject {
  const bt = buildBalanceTransaction(now, {
    amount: charge.amount,
    fee: stripeFee(ctx, charge.amount),
    currency: charge.currency,
    description: charge.description,
    source: charge.id,
    type: 'charge',
    reportingCategory: 'charge',
    availableOn: now + delaySec,
  });
  ctx.store.balanceTransactions.set(bt.id, bt);
  charge.balance_transaction = bt.id;
  return bt;
}

export function chargeOf(
  ctx: EmulatorContext,
  pi: StripeObject,
  attempt: { now: number; paymentMethod: string; kind: PaymentMethodKind; declined: boolean },
): StripeObject {
  return buildCharge(attempt.now, {
    amount: pi.amount,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    metadata: pi.metadata,
    paymentIntent: pi.id,
    paymentMethod: attempt.paymentMethod,
    kind: attempt.kind,
    email: pi.receipt_email,
    receiptBaseUrl: ctx.publicUrl(),
    declined: attempt.declined,
  });
}

/** Captures the payment intent's full amount: a succeeded charge with its balance transaction. */
export function succeedPayment(ctx: EmulatorContext, pi: StripeObject, kind: PaymentMethodKind, req: RequestInfo): StripeObject {
  const now = nowSec(ctx);
  const paymentMethod = (pi.payment_method as string | null) ?? usePaymentMethod(ctx, { kind, email: pi.receipt_email, customer: pi.customer }).id;
  const charge = chargeOf(ctx, pi, { now, paymentMethod, kind, declined: false });
  settleCharge(ctx, charge, now, SETTLEMENT_DELAY_SEC);
  ctx.store.charges.set(charge.id, charge);
  Object.assign(pi, {
    status: 'succeeded',
    amount_received: pi.amount,
    payment_method: paymentMethod,
    latest_charge: charge.id,
    last_payment_error: null,
    processing: null,
  });
  ctx.emit('charge.succeeded', charge, req);
  ctx.emit('payment_intent.succeeded', pi, req);
  return charge;
}

/** A declined attempt: Stripe records a failed charge and puts the intent back to requires_payment_method. */
export function failPayment(ctx: EmulatorContext, pi: StripeObject, kind: PaymentMethodKind, req: RequestInfo): StripeObject {
  const now = nowSec(ctx);
  // An attempt on a method already attached (a bank debit in flight, a subscription's saved card)
  // fails on that method; a declined card at checkout is a new one.
  const attached = pi.payment_method ? ctx.store.paymentMethods.get(pi.payment_method as string) : undefined;
  const paymentMethod = attached ?? usePaymentMethod(ctx, { kind, email: pi.receipt_email, customer: pi.customer, declined: true });
  const charge = chargeOf(ctx, pi, { now, paymentMethod: paymentMethod.id, kind, declined: true });
  ctx.store.charges.set(charge.id, charge);
  const declineCode = kind === 'card' ? 'card_declined' : 'insufficient_funds';
  Object.assign(pi, {
    status: 'requires_payment_method',
    payment_method: null,
    latest_charge: charge.id,
    processing: null,
    last_payment_error: {
      charge: charge.id,
      code: declineCode,
      decline_code: kind === 'card' ? 'generic_decline' : undefined,
      doc_url: `https://stripe.com/docs/error-codes/${declineCode.replace(/_/g, '-')}`,
      message: kind === 'card' ? 'Your card was declined.' : 'The customer\'s account has insufficient funds to cover this payment.',
      payment_method: structuredClone(paymentMethod),
      type: kind === 'card' ? 'card_error' : 'invalid_request_error',
    },
  });
  if (pi.last_payment_error.decline_code === undefined) delete pi.last_payment_error.decline_code;
  ctx.emit('charge.failed', charge, req);
  ctx.emit('payment_intent.payment_failed', pi, req);
  return charge;
}

export function cardDeclinedError(charge: StripeObject, pi: StripeObject): EmulatorApiError {
  return new EmulatorApiError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'generic_decline',
    doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    message: 'Your card was declined.',
    charge: charge.id,
    payment_intent: structuredClone(pi),
  });
}

function activeDispute(ctx: EmulatorContext, chargeId: string): StripeObject | undefined {
  for (const d of ctx.store.disputes.values()) {
    if (d.charge === chargeId && ['needs_response', 'under_review', 'lost', 'warning_needs_response', 'warning_under_review'].includes(d.status)) return d;
  }
  return undefined;
}

export function refundCharge(
  ctx: EmulatorContext,
  charge: StripeObject,
  a: { amount: number | undefined; reason: string | null; metadata: Record<string, string> },
  req: RequestInfo,
): StripeObject {
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`Charge ${charge.id} has not succeeded; only succeeded charges can be refunded.`, 'charge');
  }
  if (activeDispute(ctx, charge.id)) {
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, undefined, 'charge_disputed');
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
  const amount = a.amount ?? remaining;
  if (amount <= 0) throw invalidRequest('Invalid positive integer', 'amount');
  if (amount > remaining) {
    throw invalidRequest(
      `Refund amount (${amount} ${charge.currency}) is greater than unrefunded amount on charge (${remaining} ${charge.currency})`,
      'amount',
    );
  }
  const now = nowSec(ctx);
  const refund = buildRefund(now, { amount, charge, reason: a.reason, metadata: a.metadata });
  const bt = buildBalanceTransaction(now, {
    amount: -amount,
    fee: 0,
    currency: charge.currency,
    description: 'REFUND FOR CHARGE',
    source: refund.id,
    type: 'refund',
    reportingCategory: 'refund',
    availableOn: now,
  });
  refund.balance_transaction = bt.id;
  ctx.store.balanceTransactions.set(bt.id, bt);
  ctx.store.refunds.set(refund.id, refund);

  const previous: Record<string, unknown> = { amount_refunded: charge.amount_refunded };
  charge.amount_refunded += amount;
  const fully = charge.amount_refunded === charge.amount;
  if (fully !== charge.refunded) previous.refunded = charge.refunded;
  charge.refunded = fully;
  ctx.emit('charge.refunded', charge, req, previous);
  ctx.emit('refund.created', refund, req);
  return refund;
}

export function disputeCharge(
  ctx: EmulatorContext,
  charge: StripeObject,
  a: { amount: number | undefined; reason: string },
  req: RequestInfo,
): StripeObject {
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be disputed.`, 'charge');
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} is already disputed.`, 'charge');
  const max = charge.amount - charge.amount_refunded;
  const amount = a.amount ?? max;
  if (amount <= 0 || amount > max) throw invalidRequest(`Dispute amount must be between 1 and ${max}`, 'amount');
  const now = nowSec(ctx);
  const dispute = buildDispute(now, { amount, charge, reason: a.reason });
  const bt = buildBalanceTransaction(now, {
    amount: -amount,
    fee: DISPUTE_FEE,
    currency: charge.currency,
    description: `Chargeback withdrawal for ${charge.id}`,
    source: dispute.id,
    type: 'adjustment',
    reportingCategory: 'dispute',
    availableOn: now,
    feeDescription: 'Dispute fee',
  });
  ctx.store.balanceTransactions.set(bt.id, bt);
  dispute.balance_transactions.push(bt);
  ctx.store.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  ctx.emit('charge.dispute.created', dispute, req);
  ctx.emit('charge.dispute.funds_withdrawn', dispute, req);
  return dispute;
}

export function closeDispute(ctx: EmulatorContext, dispute: StripeObject, outcome: 'won' | 'lost', req: RequestInfo): StripeObject {
  if (!['needs_response', 'under_review', 'warning_needs_response', 'warning_under_review'].includes(dispute.status)) {
    throw invalidRequest(`Dispute ${dispute.id} is already closed (status: ${dispute.status}).`, 'dispute');
  }
  if (dispute.status.startsWith('warning_')) return closeInquiry(ctx, dispute, req);
  const previous = { status: dispute.status };
  if (outcome === 'won') {
    const now = nowSec(ctx);
    const bt = buildBalanceTransaction(now, {
      amount: dispute.amount,
      fee: 0,
      currency: dispute.currency,
      description: `Chargeback reversal for ${dispute.charge}`,
      source: dispute.id,
      type: 'adjustment',
      reportingCategory: 'dispute_reversal',
      availableOn: now,
    });
    ctx.store.balanceTransactions.set(bt.id, bt);
    dispute.balance_transactions.push(bt);
    dispute.status = 'won';
    ctx.emit('charge.dispute.funds_reinstated', dispute, req);
  } else {
    dispute.status = 'lost';
  }
  ctx.emit('charge.dispute.closed', dispute, req, previous);
  return dispute;
}

/** Flips balance transactions whose `available_on` has passed from pending to available. */
export function settleBalances(ctx: EmulatorContext): void {
  const now = nowSec(ctx);
  for (const bt of ctx.store.balanceTransactions.values()) {
    if (bt.status === 'pending' && bt.available_on <= now) bt.status = 'available';
  }
}

/**
 * Pays out everything not yet paid out, per currency, as if the settlement delay had passed:
 * tests should not have to wait two days for card funds to become available.
 */
export function payoutBalances(ctx: EmulatorContext, currency: string | undefined, req: RequestInfo, paid = true): StripeObject[] {
  const now = nowSec(ctx);
  const byCurrency = new Map<string, StripeObject[]>();
  for (const bt of ctx.store.balanceTransactions.values()) {
    if (bt.type === 'payout' || ctx.store.balanceTransactionPayout.has(bt.id)) continue;
    if (currency && bt.currency !== currency) continue;
    const list = byCurrency.get(bt.currency) ?? [];
    list.push(bt);
    byCurrency.set(bt.currency, list);
  }
  const payouts: StripeObject[] = [];
  for (const [cur, txns] of byCurrency) {
    const total = txns.reduce((sum, bt) => sum + (bt.net as number), 0);
    if (total <= 0) continue;
    const payout = buildPayout(now, { amount: total, currency: cur, balanceTransaction: '', arrivalDate: now });
    const payoutTxn = buildBalanceTransaction(now, {
      amount: -total,
      fee: 0,
      currency: cur,
      description: 'STRIPE PAYOUT',
      source: payout.id,
      type: 'payout',
      reportingCategory: 'payout',
      availableOn: now,
    });
    payout.balance_transaction = payoutTxn.id;
    ctx.store.balanceTransactions.set(payoutTxn.id, payoutTxn);
    for (const bt of [...txns, payoutTxn]) {
      if (bt.status === 'pending') {
        bt.status = 'available';
        bt.available_on = Math.min(bt.available_on, now);
      }
      ctx.store.balanceTransactionPayout.set(bt.id, payout.id);
    }
    ctx.store.payouts.set(payout.id, payout);
    // paid=false: the payout stays pending (it can then be cancelled, or paid later; see flows-payout-lifecycle.ts).
    payout.status = paid ? 'in_transit' : 'pending';
    ctx.emit('payout.created', payout, req);
    if (paid) {
      payout.status = 'paid';
      ctx.emit('payout.paid', payout, req);
    }
    payouts.push(payout);
  }
  return payouts;
}

export function balanceSummary(ctx: EmulatorContext): Record<string, unknown> {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const bt of ctx.store.balanceTransactions.values()) {
    if (ctx.store.balanceTransactionPayout.has(bt.id)) continue;
    const bucket = bt.status === 'available' ? available : pending;
    bucket.set(bt.currency, (bucket.get(bt.currency) ?? 0) + bt.net);
    (bucket === available ? pending : available).set(bt.currency, (bucket === available ? pending : available).get(bt.currency) ?? 0);
  }
  const toList = (m: Map<string, number>) => [...m].map(([cur, amount]) => ({ amount, currency: cur, source_types: { card: amount } }));
  return {
    object: 'balance',
    available: toList(available),
    livemode: false,
    pending: toList(pending),
  };
}
