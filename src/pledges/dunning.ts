// Monthly gifts that fail. A renewal that fails is retried by Stripe (invoice.payment_failed each
// time, invoice.payment_action_required when the donor must confirm); when the retries run out
// the subscription stays past_due, becomes unpaid, or is cancelled, as the account's retry
// settings say (customer.subscription.updated / .deleted). The pledge keeps the subscription's
// state (subscription_status), staff see the failing gifts with their latest attempt, and the
// monthly revenue counts only gifts that are running (active).
import { findSubscriptionPledge, subjectOf, type LedgerOutcome } from '../payments/payment-service.ts';
import type { SubscriptionState } from '../payments/payment.ts';
import type { PledgeLedgerRepository } from '../payments/pledge-ledger-repository.ts';
import type { DunningRepository } from './dunning-repository.ts';

export interface InvoiceAttemptFacts {
  invoiceId: string;
  periodStart: Date;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  actionRequired: boolean;
}

export interface FailingMonthlyGift {
  pledgeId: string;
  campaign: string;
  email: string;
  name: string | null;
  amount: number;
  currency: string;
  subscriptionStatus: string;
  subscriptionId: string | null;
  invoiceId: string | null;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  actionRequired: boolean;
  since: Date | null;
}

/** Stripe's subscription statuses the pledge keeps; the others (incomplete, trialing...) say nothing new. */
const TRACKED: Record<string, SubscriptionState> = { active: 'active', past_due: 'past_due', unpaid: 'unpaid' };

export function createDunningLedger(deps: { dunning: DunningRepository; pledges: PledgeLedgerRepository }) {
  const waitForLink = (subscriptionId: string): LedgerOutcome => ({ status: 'deferred', waitingFor: subjectOf.subscription(subscriptionId) });

  return {
    /** The latest attempt on a failing invoice (after its failure has set the pledge past_due). */
    async recordInvoiceAttempt(subscriptionId: string | null, hint: string | null, attempt: InvoiceAttemptFacts): Promise<LedgerOutcome> {
      const pledge = await findSubscriptionPledge(deps.pledges, subscriptionId, hint);
      if (!pledge) return subscriptionId ? waitForLink(subscriptionId) : { status: 'ignored', reason: 'invoice of no subscription of ours' };
      await deps.dunning.mergeAttempt(pledge.id, attempt);
      return { status: 'processed' };
    },

    /** customer.subscription.updated: its status as of its current billing period. */
    async recordSubscriptionStatus(subscriptionId: string, hint: string | null, status: string, periodStart: Date): Promise<LedgerOutcome> {
      const pledge = await findSubscriptionPledge(deps.pledges, subscriptionId, hint);
      if (!pledge) return waitForLink(subscriptionId);
      await deps.pledges.link(pledge.id, { subscriptionId });
      const state = TRACKED[status];
      if (state) await deps.pledges.setSubscriptionState(pledge.id, state, periodStart);
      return { status: 'processed' };
    },
  };
}

export type DunningLedger = ReturnType<typeof createDunningLedger>;
