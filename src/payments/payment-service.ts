// Ledger rules: turning what Stripe reports into payments and pledge states. Runs inside the
// inbox's transaction with repositories bound to it. A fact about a payment not recorded yet
// (a refund before its checkout completed) is deferred, not dropped: the inbox re-applies it the
// moment that payment appears, so the order in which Stripe delivers never changes the result.
import type { Logger } from 'pino';
import type { DisputeStatus, LedgerPledge, PaymentRecord, PayoutContents, PayoutRecord } from './payment.ts';
import type { PaymentRef, PaymentRepository } from './payment-repository.ts';
import type { PledgeLedgerRepository } from './pledge-ledger-repository.ts';

export type LedgerOutcome =
  | { status: 'processed' }
  | { status: 'ignored'; reason: string }
  | { status: 'deferred'; waitingFor: string };

export interface CheckoutFacts {
  sessionId: string;
  /** metadata.pledge_id / client_reference_id: only trusted for a pledge that has no session yet. */
  pledgeIdHint: string | null;
  mode: string;
  /** What the event says happened to the money. */
  outcome: 'completed' | 'async_succeeded' | 'async_failed';
  paid: boolean;
  amount: number | null;
  currency: string | null;
  paymentIntentId: string | null;
  subscriptionId: string | null;
  customerId: string | null;
  at: Date;
}

export interface InvoiceFacts {
  invoiceId: string;
  subscriptionId: string | null;
  pledgeIdHint: string | null;
  amountPaid: number;
  currency: string;
  paymentIntentId: string | null;
  periodStart: Date;
  paidAt: Date;
}

const processed: LedgerOutcome = { status: 'processed' };
const ignored = (reason: string): LedgerOutcome => ({ status: 'ignored', reason });

export const subjectOf = {
  paymentIntent: (id: string) => `pi:${id}`,
  charge: (id: string) => `ch:${id}`,
  subscription: (id: string) => `sub:${id}`,
  invoice: (id: string) => `in:${id}`,
};

/** The monthly pledge of a subscription: by the pledge id Stripe carries back, else by the subscription. */
export async function findSubscriptionPledge(
  pledges: Pick<PledgeLedgerRepository, 'findById' | 'findBySubscriptionId'>,
  subscriptionId: string | null,
  hint: string | null,
): Promise<LedgerPledge | null> {
  if (hint) {
    const pledge = await pledges.findById(hint);
    if (pledge && pledge.frequency === 'monthly' && (!pledge.stripeSubscriptionId || pledge.stripeSubscriptionId === subscriptionId)) {
      return pledge;
    }
  }
  return subscriptionId ? pledges.findBySubscriptionId(subscriptionId) : null;
}

/** A fact about a payment not recorded yet waits for it (the inbox wakes it when it appears). */
export function deferFor(ref: PaymentRef): LedgerOutcome {
  if (ref.paymentIntentId) return { status: 'deferred', waitingFor: subjectOf.paymentIntent(ref.paymentIntentId) };
  if (ref.chargeId) return { status: 'deferred', waitingFor: subjectOf.charge(ref.chargeId) };
  return ignored('names no payment intent or charge');
}

/**
 * What the donor is told about their money (src/receipts/), written in this same transaction so
 * that a payment and its receipt commit together; each decides from the committed row whether
 * anything is due (a settled, unflagged payment; a refund that succeeded) and writes it at most once.
 */
export interface PaymentNotices {
  paymentRecorded(ref: { paymentIntentId: string | null; invoiceId: string | null }): Promise<void>;
  /** One refund that went through (its own event, src/payments/refunds.ts), told once per refund. */
  refundSucceeded(refund: PaymentRef & { refundId: string }): Promise<void>;
}

/**
 * The match a payment takes from its campaign's match pools (src/matching/), in this same
 * transaction: told after every write that moves a payment's money (recorded, refunded,
 * disputed), it takes, keeps or gives back the match so that it follows the payment.
 */
export interface PaymentMatches {
  paymentChanged(ref: { paymentIntentId: string | null; chargeId: string | null; invoiceId: string | null }): Promise<void>;
}

/** Why Stripe's figures cannot be counted for this pledge, or null when they agree. */
export function disagreement(pledge: Pick<LedgerPledge, 'amount' | 'currency'>, amount: number, currency: string): string | null {
  if (currency !== pledge.currency) return `currency ${currency} differs from the pledge's ${pledge.currency}`;
  if (amount !== pledge.amount) return `amount ${amount} differs from the pledge's ${pledge.amount}`;
  return null;
}

/** A checkout that carries a payment: its money and what becomes of the payment. */
export type PaidCheckout = CheckoutFacts & { paymentIntentId: string; amount: number; currency: string };

/** Whether a checkout carries a one-time payment (a subscription's money comes as invoice.paid). */
export function carriesPayment(c: CheckoutFacts): c is PaidCheckout {
  return c.mode === 'payment' && !!c.paymentIntentId && c.amount !== null && !!c.currency;
}

/** The payment a checkout records for its pledge (the one rule, for the inbox's both paths). */
export function checkoutPayment(pledge: Pick<LedgerPledge, 'id' | 'campaignId' | 'coveredFee'>, c: PaidCheckout, flag: string | null): PaymentRecord {
  const status = c.outcome === 'async_failed' ? 'failed' : c.paid ? 'succeeded' : 'pending';
  return {
    pledgeId: pledge.id,
    campaignId: pledge.campaignId,
    status,
    currency: c.currency,
    amount: c.amount,
    coveredFee: flag ? 0 : Math.min(pledge.coveredFee, c.amount),
    flag,
    paymentIntentId: c.paymentIntentId,
    invoiceId: null,
    paidAt: status === 'succeeded' ? c.at : null,
  };
}

/** The pledge status a recorded checkout payment moves its pledge to. */
export const pledgeStatusAfter = (payment: Pick<PaymentRecord, 'status'>) => (payment.status === 'failed' ? 'failed' : 'completed');

export function createPaymentService(deps: {
  payments: PaymentRepository;
  pledges: PledgeLedgerRepository;
  logger: Logger;
  notices?: PaymentNotices;
  matches?: PaymentMatches;
}) {
  const { payments, pledges, logger, notices, matches } = deps;

  async function pledgeForSession(sessionId: string, hint: string | null): Promise<LedgerPledge | null> {
    const bySession = await pledges.findBySessionId(sessionId);
    if (bySession) return bySession;
    // The pledge was written but its session id never saved (a crash between Stripe's answer and
    // our write): the pledge id Stripe carries back is ours, and that pledge has no other session.
    const byHint = hint ? await pledges.findById(hint) : null;
    return byHint && byHint.checkoutSessionId === null ? byHint : null;
  }

  const pledgeForSubscription = (subscriptionId: string | null, hint: string | null) => findSubscriptionPledge(pledges, subscriptionId, hint);

  function flagFor(pledge: LedgerPledge, amount: number, currency: string, stripeId: string): string | null {
    const flag = disagreement(pledge, amount, currency);
    if (flag) logger.warn({ pledgeId: pledge.id, stripeId, amount, currency, flag }, 'payment disagrees with its pledge: flagged, not counted');
    return flag;
  }

  return {
    async recordCheckout(c: CheckoutFacts): Promise<LedgerOutcome> {
      const pledge = await pledgeForSession(c.sessionId, c.pledgeIdHint);
      if (!pledge) return ignored('checkout session not created by this service');
      // Linked in the same statement that moves the pledge (advance): one round trip, not two.
      const ids = { sessionId: c.sessionId, subscriptionId: c.subscriptionId, customerId: c.customerId };

      if (c.mode === 'subscription') {
        // The first month's money arrives as invoice.paid, like every later month: counting it
        // here too would count it twice.
        await pledges.advance(pledge.id, 'completed', ids);
        return processed;
      }
      if (!carriesPayment(c)) {
        await pledges.link(pledge.id, ids);
        return ignored(`checkout session without a payment (mode ${c.mode})`);
      }
      const payment = checkoutPayment(pledge, c, flagFor(pledge, c.amount, c.currency, c.paymentIntentId));
      await payments.upsert(payment);
      await notices?.paymentRecorded({ paymentIntentId: c.paymentIntentId, invoiceId: null });
      await pledges.advance(pledge.id, pledgeStatusAfter(payment), ids);
      // Last: the pool's row lock is held from here to the commit, as briefly as possible.
      await matches?.paymentChanged({ paymentIntentId: c.paymentIntentId, chargeId: null, invoiceId: null });
      return processed;
    },

    async expireCheckout(sessionId: string, pledgeIdHint: string | null): Promise<LedgerOutcome> {
      const pledge = await pledgeForSession(sessionId, pledgeIdHint);
      if (!pledge) return ignored('checkout session not created by this service');
      await pledges.advance(pledge.id, 'expired');
      return processed;
    },

    async recordRefund(ref: PaymentRef, amountRefunded: number): Promise<LedgerOutcome> {
      // No notice here: Stripe counts a pending refund in amount_refunded, and it may still fail.
      // The refund's own events tell the donor (recordRefundState).
      if (!(await payments.mergeRefund(ref, amountRefunded))) return deferFor(ref);
      await matches?.paymentChanged({ ...ref, invoiceId: null });
      return processed;
    },

    async recordInvoicePaid(inv: InvoiceFacts): Promise<LedgerOutcome> {
      const pledge = await pledgeForSubscription(inv.subscriptionId, inv.pledgeIdHint);
      if (!pledge) return inv.subscriptionId ? deferUntilLinked(inv.subscriptionId) : ignored('invoice of no subscription of ours');
      await pledges.setSubscriptionState(pledge.id, 'active', inv.periodStart);
      await pledges.advance(pledge.id, 'completed', { subscriptionId: inv.subscriptionId });
      if (inv.amountPaid <= 0) return ignored('invoice paid nothing (trial or credit)');
      const flag = flagFor(pledge, inv.amountPaid, inv.currency, inv.invoiceId);
      await payments.upsert({
        pledgeId: pledge.id,
        campaignId: pledge.campaignId,
        status: 'succeeded',
        currency: inv.currency,
        amount: inv.amountPaid,
        coveredFee: flag ? 0 : Math.min(pledge.coveredFee, inv.amountPaid),
        flag,
        paymentIntentId: inv.paymentIntentId,
        invoiceId: inv.invoiceId,
        paidAt: inv.paidAt,
      });
      await notices?.paymentRecorded({ paymentIntentId: inv.paymentIntentId, invoiceId: inv.invoiceId });
      await matches?.paymentChanged({ paymentIntentId: inv.paymentIntentId, chargeId: null, invoiceId: inv.invoiceId });
      return processed;
    },

    async recordInvoiceFailed(inv: Pick<InvoiceFacts, 'subscriptionId' | 'pledgeIdHint' | 'periodStart'>): Promise<LedgerOutcome> {
      const pledge = await pledgeForSubscription(inv.subscriptionId, inv.pledgeIdHint);
      if (!pledge) return inv.subscriptionId ? deferUntilLinked(inv.subscriptionId) : ignored('invoice of no subscription of ours');
      if (inv.subscriptionId) await pledges.link(pledge.id, { subscriptionId: inv.subscriptionId });
      await pledges.setSubscriptionState(pledge.id, 'past_due', inv.periodStart);
      return processed;
    },

    async recordSubscriptionEnded(subscriptionId: string, pledgeIdHint: string | null, at: Date, by: string | null = null): Promise<LedgerOutcome> {
      const pledge = await pledgeForSubscription(subscriptionId, pledgeIdHint);
      if (!pledge) return deferUntilLinked(subscriptionId);
      await pledges.link(pledge.id, { subscriptionId });
      await pledges.setSubscriptionState(pledge.id, 'canceled', at);
      await pledges.markCancelled(pledge.id, at, by);
      await pledges.advance(pledge.id, 'cancelled');
      return processed;
    },

    /** customer.subscription.updated: a new amount or a pause, as the donor set it (src/manage/). */
    async recordSubscriptionChanged(
      subscriptionId: string,
      pledgeIdHint: string | null,
      change: { amount: number; currency: string; coveredFee: number | null; paused: boolean; at: Date },
    ): Promise<LedgerOutcome> {
      const pledge = await pledgeForSubscription(subscriptionId, pledgeIdHint);
      if (!pledge) return deferUntilLinked(subscriptionId);
      if (change.currency !== pledge.currency) return ignored(`currency ${change.currency} differs from the pledge's ${pledge.currency}`);
      await pledges.applySubscriptionChange(pledge.id, {
        amount: change.amount,
        coveredFee: change.coveredFee ?? pledge.coveredFee,
        paused: change.paused,
        at: change.at,
      });
      return processed;
    },

    async recordPayout(payout: PayoutRecord, contents: PayoutContents): Promise<LedgerOutcome> {
      const matched = await payments.markPaidOut(payout, contents);
      logger.info({ payoutId: payout.id, matched, charges: contents.chargeIds.length }, 'payout recorded');
      return processed;
    },
  };

  function deferUntilLinked(subscriptionId: string): LedgerOutcome {
    return { status: 'deferred', waitingFor: subjectOf.subscription(subscriptionId) };
  }
}

export type PaymentService = ReturnType<typeof createPaymentService>;
