// Dunning persistence: the latest attempt on each failing renewal invoice, merged so that attempts
// only grow; and for staff, the monthly gifts whose payments are failing, and the monthly revenue
// of the gifts that are running.
import type { Prisma } from '../generated/prisma/client.ts';
import type { FailingMonthlyGift, InvoiceAttemptFacts } from './dunning.ts';

type Client = Prisma.TransactionClient;

export function createDunningRepository(client: Client) {
  return {
    async mergeAttempt(pledgeId: string, a: InvoiceAttemptFacts): Promise<void> {
      await client.$executeRaw`
        INSERT INTO invoice_attempts AS x (invoice_id, pledge_id, period_start, attempt_count, next_payment_attempt, action_required)
        VALUES (${a.invoiceId}, ${pledgeId}::uuid, ${a.periodStart}, ${a.attemptCount}, ${a.nextPaymentAttempt}, ${a.actionRequired})
        ON CONFLICT (invoice_id) DO UPDATE SET
          next_payment_attempt = CASE WHEN EXCLUDED.attempt_count >= x.attempt_count THEN EXCLUDED.next_payment_attempt ELSE x.next_payment_attempt END,
          action_required = CASE
            WHEN EXCLUDED.attempt_count > x.attempt_count THEN EXCLUDED.action_required
            WHEN EXCLUDED.attempt_count = x.attempt_count THEN x.action_required OR EXCLUDED.action_required
            ELSE x.action_required END,
          attempt_count = GREATEST(x.attempt_count, EXCLUDED.attempt_count),
          updated_at = now()`;
    },

    /** Monthly gifts past due or unpaid, with their latest failing invoice, the longest failing first. */
    failing(limit: number): Promise<FailingMonthlyGift[]> {
      return client.$queryRaw<FailingMonthlyGift[]>`
        SELECT p.id AS "pledgeId", c.slug AS campaign, p.email, p.name, p.amount - p.covered_fee AS amount, p.currency,
               p.subscription_status AS "subscriptionStatus", p.stripe_subscription_id AS "subscriptionId",
               a.invoice_id AS "invoiceId", COALESCE(a.attempt_count, 0) AS "attemptCount",
               a.next_payment_attempt AS "nextPaymentAttempt", COALESCE(a.action_required, false) AS "actionRequired",
               p.subscription_status_at AS "since"
        FROM pledges p
        JOIN campaigns c ON c.id = p.campaign_id
        LEFT JOIN LATERAL (
          SELECT * FROM invoice_attempts x WHERE x.pledge_id = p.id ORDER BY x.period_start DESC LIMIT 1
        ) a ON true
        WHERE p.frequency = 'monthly' AND p.subscription_status IN ('past_due', 'unpaid')
        ORDER BY p.subscription_status_at, p.id
        LIMIT ${limit}`;
    },
  };
}

export type DunningRepository = ReturnType<typeof createDunningRepository>;
