// Pledge persistence for the donation path (staff's list reads through pledge-list-repository.ts,
// the ledger writes through payments/pledge-ledger-repository.ts).
import type { Database } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { PledgeStatus as DbPledgeStatus } from '../generated/prisma/enums.ts';
import type { NewPledge, Pledge, PledgeStatus } from './pledge.ts';
import { pledgeStatusMayBecome } from './pledge-status-rule.ts';

// PLEDGE_STATUSES and the database's enum are one list: this fails to compile if either changes alone.
const sameStatuses: [PledgeStatus, DbPledgeStatus] extends [DbPledgeStatus, PledgeStatus] ? true : never = true;
void sameStatuses;

const PLEDGE_FIELDS = {
  id: true, campaignId: true, amount: true, coveredFee: true, currency: true, frequency: true, coverFees: true,
  email: true, name: true, anonymous: true, showAmount: true, message: true, dedication: true, status: true, checkoutSessionId: true, checkoutUrl: true,
  stripeSubscriptionId: true, idempotencyKey: true, requestHash: true, createdAt: true, completedAt: true,
} as const;

export function createPledgeRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    /**
     * Inserts the pledge, or returns the one already holding its idempotency key (a retried or
     * concurrent request): the unique index decides, not a read-then-write race.
     */
    async insertOrFindByKey(pledge: NewPledge): Promise<{ pledge: Pledge; created: boolean }> {
      try {
        return { pledge: await prisma.pledge.create({ data: pledge, select: PLEDGE_FIELDS }), created: true };
      } catch (error) {
        if (!(pledge.idempotencyKey && isUniqueViolation(error))) throw error;
        const existing = await prisma.pledge.findUnique({
          where: { idempotencyKey: pledge.idempotencyKey },
          select: PLEDGE_FIELDS,
        });
        if (!existing) throw error;
        return { pledge: existing, created: false };
      }
    },

    findByIdempotencyKey(key: string): Promise<Pledge | null> {
      return prisma.pledge.findUnique({ where: { idempotencyKey: key }, select: PLEDGE_FIELDS });
    },

    /** The pledge behind a Checkout Session with its payments as charged, for the thank-you page. */
    findWithPaymentStatesBySessionId(checkoutSessionId: string) {
      return prisma.pledge.findUnique({
        where: { checkoutSessionId },
        select: {
          ...PLEDGE_FIELDS, subscriptionStatus: true, subscriptionStatusAt: true,
          campaign: { select: { slug: true, title: true, timezone: true } },
          payments: { select: { status: true, amount: true, currency: true, flag: true }, orderBy: { createdAt: 'asc' } },
        },
      });
    },

    /**
     * Named, completed donors of a campaign, newest first: the page's supporters list. A pledge
     * with a flagged payment (Stripe charged other than what was pledged) stays off it until
     * staff have resolved the flag.
     */
    recentSupporters(campaignId: string, limit: number) {
      return prisma.pledge.findMany({
        where: { campaignId, status: 'completed', payments: { none: { flag: { not: null } } } },
        orderBy: [{ completedAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: {
          name: true, anonymous: true, message: true, dedication: true, completedAt: true,
          showAmount: true, amount: true, coveredFee: true, currency: true, frequency: true,
        },
      });
    },

    /**
     * Records the Checkout Session. A pledge that had failed to reach Stripe is pending again; any
     * other status stays: the webhook may already have completed (or failed) the pledge while this
     * request was slow, and under the same Idempotency-Key a retry got the same session.
     */
    async attachCheckoutSession(id: string, session: { id: string; url: string }): Promise<Pledge> {
      await prisma.$executeRaw`
        UPDATE pledges SET checkout_session_id = ${session.id}, checkout_url = ${session.url}, updated_at = now(),
          status = CASE WHEN ${pledgeStatusMayBecome('pending')} THEN 'pending'::"PledgeStatus" ELSE status END
        WHERE id = ${id}::uuid`;
      return prisma.pledge.findUniqueOrThrow({ where: { id }, select: PLEDGE_FIELDS });
    },

    /** Frees the key of an attempt whose session is over, so that a retry of it makes a new pledge. */
    async releaseIdempotencyKey(id: string): Promise<void> {
      await prisma.pledge.updateMany({ where: { id, status: { in: ['pending', 'expired'] } }, data: { idempotencyKey: null } });
    },

    /** Stripe could not be reached: the pledge has no session and can never be paid or counted. */
    async markCheckoutFailed(id: string): Promise<void> {
      await prisma.$executeRaw`
        UPDATE pledges SET status = 'failed', updated_at = now()
        WHERE id = ${id}::uuid AND checkout_session_id IS NULL AND ${pledgeStatusMayBecome('failed')}`;
    },
  };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

export type PledgeRepository = ReturnType<typeof createPledgeRepository>;
