// Handlers for the lifecycles after a payment (refunds that stay pending or fail, ...), kept apart
// from event-handlers.ts, which spreads them into the one map of event type -> handler.
import type Stripe from 'stripe';
import { subjectOf } from '../payments/payment-service.ts';
import type { EventHandler, HandlerMap } from './event-handler.ts';
import { fromUnix, idOf, invoicePeriodStart, invoicePledgeHint, invoiceSubscriptionId } from './stripe-objects.ts';

const compact = (keys: Array<string | null | false | undefined>): string[] => keys.filter((k): k is string => !!k);

const paymentSubjects = (o: { payment_intent?: string | { id: string } | null; charge?: string | { id: string } | null }) =>
  compact([o.payment_intent && subjectOf.paymentIntent(idOf(o.payment_intent)!), o.charge && subjectOf.charge(idOf(o.charge)!)]);

/** refund.created / refund.updated / refund.failed / charge.refund.updated: one refund in its current state. */
const refundState: EventHandler<Stripe.Refund> = {
  subjects: (r) => paymentSubjects(r),
  apply: (r, { ledger }) =>
    ledger.recordRefundState({
      id: r.id,
      chargeId: idOf(r.charge ?? null),
      paymentIntentId: idOf(r.payment_intent ?? null),
      amount: r.amount,
      currency: r.currency,
      status: r.status ?? 'pending',
      failureReason: r.failure_reason ?? null,
      createdAt: fromUnix(r.created),
    }),
};

/** charge.pending / charge.updated: a bank debit's charge, and later its balance transaction. */
const chargeIds: EventHandler<Stripe.Charge> = {
  subjects: (c) => paymentSubjects({ payment_intent: c.payment_intent, charge: c.id }),
  // The fee is on the balance transaction: read after the commit, like every fee (fee-filler.ts).
  afterCommit(c, { fees }) {
    const pi = idOf(c.payment_intent);
    if (pi && c.status === 'succeeded' && c.balance_transaction) fees.fill(pi);
  },
  apply: (c, { ledger }) =>
    ledger.recordChargeIds({ paymentIntentId: idOf(c.payment_intent), chargeId: c.id, balanceTransactionId: idOf(c.balance_transaction) }),
};

/** Every charge.dispute.* event: the dispute in its current state, with its balance transactions. */
const disputeState: EventHandler<Stripe.Dispute> = {
  subjects: (d) => paymentSubjects(d),
  apply(d, { ledger }) {
    const txns = (Array.isArray(d.balance_transactions) ? d.balance_transactions : []).filter((t) => t && typeof t === 'object');
    const sum = (pick: (t: Stripe.BalanceTransaction) => number) => txns.reduce((n, t) => n + pick(t), 0);
    return ledger.recordDisputeState({
      id: d.id,
      chargeId: idOf(d.charge ?? null),
      paymentIntentId: idOf(d.payment_intent ?? null),
      amount: d.amount,
      currency: d.currency,
      status: typeof d.status === 'string' ? d.status : 'needs_response',
      reason: typeof d.reason === 'string' ? d.reason : null,
      evidenceDueBy: d.evidence_details?.due_by ? fromUnix(d.evidence_details.due_by) : null,
      fundsWithdrawn: sum((t) => (t.amount < 0 ? -t.amount : 0)),
      fundsReinstated: sum((t) => (t.amount > 0 ? t.amount : 0)),
      fee: sum((t) => t.fee ?? 0),
      createdAt: fromUnix(d.created),
    });
  },
};

/**
 * invoice.payment_failed / invoice.payment_action_required: a renewal that failed (the pledge is
 * past due) and its latest attempt (how many, when Stripe tries next, whether the donor must act).
 */
function invoiceFailure(actionRequired: boolean): EventHandler<Stripe.Invoice> {
  return {
    subjects: (inv) =>
      compact([invoiceSubscriptionId(inv) && subjectOf.subscription(invoiceSubscriptionId(inv)!), inv.id && subjectOf.invoice(inv.id)]),
    async apply(inv, { ledger }) {
      const subscriptionId = invoiceSubscriptionId(inv);
      const pledgeIdHint = invoicePledgeHint(inv);
      const periodStart = invoicePeriodStart(inv);
      const outcome = await ledger.recordInvoiceFailed({ subscriptionId, pledgeIdHint, periodStart });
      if (outcome.status !== 'processed' || !inv.id) return outcome;
      return ledger.recordInvoiceAttempt(subscriptionId, pledgeIdHint, {
        invoiceId: inv.id,
        periodStart,
        attemptCount: typeof inv.attempt_count === 'number' ? inv.attempt_count : 1,
        nextPaymentAttempt: inv.next_payment_attempt ? fromUnix(inv.next_payment_attempt) : null,
        actionRequired,
      });
    },
  };
}

export const lifecycleHandlers: HandlerMap = {
  'invoice.payment_failed': invoiceFailure(false),
  'invoice.payment_action_required': invoiceFailure(true),
  'charge.dispute.created': disputeState,
  'charge.dispute.updated': disputeState,
  'charge.dispute.funds_withdrawn': disputeState,
  'charge.dispute.funds_reinstated': disputeState,
  'charge.dispute.closed': disputeState,
  'charge.pending': chargeIds,
  'charge.updated': chargeIds,
  'refund.created': refundState,
  'refund.updated': refundState,
  'refund.failed': refundState,
  'charge.refund.updated': refundState,
};
