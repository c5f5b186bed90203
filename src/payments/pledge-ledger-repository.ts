// The pledge side of the ledger: finding the pledge a Stripe object belongs to, and moving its
// state only forward, so that events applied in any order end in the same state.
import { Prisma } from '../generated/prisma/client.ts';
import { UUID_PATTERN } from '../listing.ts';
import { pledgeStatusMayBecome } from '../pledges/pledge-status-rule.ts';
import type { LedgerPledge, SubscriptionState } from './payment.ts';

type Client = Prisma.TransactionClient;

const FIELDS = {
  id: true, campaignId: true, amount: true, coveredFee: true, currency: true, frequency: true, status: true,
  checkoutSessionId: true, stripeSubscriptionId: true,
} as const;

interface LinkIds {
  sessionId?: string;
  subscriptionId?: string | null;
  customerId?: string | null;
}

/** A Stripe id the pledge does not have yet is kept; one it has is never replaced. */
const linkSet = (ids: LinkIds) => Prisma.sql`
  checkout_session_id = COALESCE(checkout_session_id, ${ids.sessionId ?? null}),
  stripe_subscription_id = COALESCE(stripe_subscription_id, ${ids.subscriptionId ?? null}),
  stripe_customer_id = COALESCE(stripe_customer_id, ${ids.customerId ?? null}),
  updated_at = now()`;

export function createPledgeLedgerRepository(client: Client) {
  return {
    findById(id: string): Promise<LedgerPledge | null> {
      if (!UUID_PATTERN.test(id)) return Promise.resolve(null);
      return client.pledge.findUnique({ where: { id }, select: FIELDS });
    },

    findBySessionId(checkoutSessionId: string): Promise<LedgerPledge | null> {
      return client.pledge.findUnique({ where: { checkoutSessionId }, select: FIELDS });
    },

    findBySubscriptionId(stripeSubscriptionId: string): Promise<LedgerPledge | null> {
      return client.pledge.findUnique({ where: { stripeSubscriptionId }, select: FIELDS });
    },

    /**
     * Moves the pledge to `status` if the one rule for pledge status allows it
     * (src/pledges/pledge-status-rule.ts); with `ids`, records them as link() does, in the same
     * statement (one round trip for what an event usually does to its pledge).
     */
    async advance(id: string, status: LedgerPledge['status'], ids: LinkIds = {}): Promise<void> {
      const may = pledgeStatusMayBecome(status);
      await client.$executeRaw`
        UPDATE pledges SET ${linkSet(ids)},
          status = CASE WHEN ${may} THEN ${status}::"PledgeStatus" ELSE status END,
          completed_at = CASE WHEN ${may} AND ${status} = 'completed' THEN COALESCE(completed_at, now()) ELSE completed_at END
        WHERE id = ${id}::uuid`;
    },

    /** Records the Checkout Session (if the pledge missed it), subscription and customer once. */
    async link(id: string, ids: LinkIds): Promise<void> {
      await client.$executeRaw`UPDATE pledges SET ${linkSet(ids)} WHERE id = ${id}::uuid`;
    },

    /**
     * The donor changed the monthly gift (amount, pause): the subscription's state as of `at`
     * replaces the pledge's, unless a later state was applied already or the pledge is cancelled.
     */
    async applySubscriptionChange(id: string, change: { amount: number; coveredFee: number; paused: boolean; at: Date }): Promise<void> {
      await client.$executeRaw`
        UPDATE pledges SET amount = ${change.amount}, covered_fee = LEAST(${change.coveredFee}::int, ${change.amount}::int),
          paused_at = CASE WHEN ${change.paused} THEN COALESCE(paused_at, ${change.at}) ELSE NULL END,
          subscription_changed_at = ${change.at}, updated_at = now()
        WHERE id = ${id}::uuid AND status <> 'cancelled'
          AND (subscription_changed_at IS NULL OR subscription_changed_at <= ${change.at})`;
    },

    /** Who ended a monthly gift and when, for staff: the first report stands. */
    async markCancelled(id: string, at: Date, by: string | null): Promise<void> {
      await client.$executeRaw`
        UPDATE pledges SET cancelled_at = COALESCE(cancelled_at, ${at}), cancelled_by = COALESCE(cancelled_by, ${by}), updated_at = now()
        WHERE id = ${id}::uuid`;
    },

    /** Pledges still waiting on Checkout, for recovery to ask Stripe about their sessions. */
    pendingWithSession(createdSince: Date): Promise<Array<{ id: string; checkoutSessionId: string }>> {
      return client.$queryRaw`
        SELECT id::text, checkout_session_id AS "checkoutSessionId" FROM pledges
        WHERE status = 'pending' AND checkout_session_id IS NOT NULL AND created_at >= ${createdSince}
        ORDER BY created_at`;
    },

    /**
     * The subscription's state as of a billing period: an older period's news never overwrites a
     * newer one, within a period payment beats running out of retries beats failure, and
     * cancellation is final.
     */
    async setSubscriptionState(id: string, state: SubscriptionState, asOf: Date): Promise<void> {
      await client.$executeRaw`
        UPDATE pledges SET subscription_status = ${state}, subscription_status_at = ${asOf}, updated_at = now()
        WHERE id = ${id}::uuid AND (
          ${state} = 'canceled'
          OR (COALESCE(subscription_status, '') <> 'canceled' AND (
            subscription_status_at IS NULL OR subscription_status_at < ${asOf}
            OR (subscription_status_at = ${asOf} AND subscription_state_rank(${state}) > subscription_state_rank(subscription_status)))))`;
    },
  };
}

export type PledgeLedgerRepository = ReturnType<typeof createPledgeLedgerRepository>;
