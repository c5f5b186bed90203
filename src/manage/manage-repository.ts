// What a donor's manage page reads.
import type { Prisma } from '../generated/prisma/client.ts';
import type { DonorGift, DonorReceipt } from './manage.ts';

export function createManageRepository(client: Prisma.TransactionClient) {
  return {
    giftsOf(email: string): Promise<DonorGift[]> {
      return client.$queryRaw<DonorGift[]>`
        SELECT pl.id::text, c.title AS "campaignTitle", pl.frequency::text AS frequency, pl.amount, pl.covered_fee AS "coveredFee",
          pl.cover_fees AS "coverFees", pl.currency, pl.status::text AS status, pl.subscription_status AS "subscriptionStatus",
          pl.subscription_status_at AS "subscriptionStatusAt", pl.stripe_subscription_id AS "stripeSubscriptionId",
          pl.stripe_customer_id AS "stripeCustomerId", pl.paused_at AS "pausedAt", pl.cancelled_at AS "cancelledAt",
          pl.created_at AS "createdAt"
        FROM pledges pl JOIN campaigns c ON c.id = pl.campaign_id
        WHERE lower(pl.email) = lower(${email}) AND pl.status IN ('completed', 'cancelled')
        ORDER BY pl.created_at DESC LIMIT 100`;
    },

    receiptsOf(email: string): Promise<DonorReceipt[]> {
      return client.$queryRaw<DonorReceipt[]>`
        SELECT id::text, subject, created_at AS "createdAt" FROM email_outbox
        WHERE lower(to_address) = lower(${email}) AND kind IN ('receipt', 'refund', 'statement')
        ORDER BY created_at DESC LIMIT 100`;
    },

    async isDonor(email: string): Promise<boolean> {
      const rows = await client.$queryRaw<unknown[]>`
        SELECT 1 FROM pledges WHERE lower(email) = lower(${email}) AND status IN ('completed', 'cancelled') LIMIT 1`;
      return rows.length > 0;
    },
  };
}

export type ManageRepository = ReturnType<typeof createManageRepository>;
