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

// The same fields as PLEDGE_FIELDS, as SQL: the donation path's two writes (the pledge, then its
// session) go to the pg pool directly. Each is one statement with RETURNING: no read after the
// write, and none of Prisma's query building on the busiest write path (profiled: each round trip
// costs the product a loopback write, and Prisma's runtime was a sixth of its CPU per pledge).
const PLEDGE_COLUMNS = Prisma.raw(`id, campaign_id AS "campaignId", amount, covered_fee AS "coveredFee", currency, frequency,
  cover_fees AS "coverFees", email, name, anonymous, show_amount AS "showAmount", message, dedication, status,
  checkout_session_id AS "checkoutSessionId", checkout_url AS "checkoutUrl", stripe_subscription_id AS "stripeSubscriptionId",
  idempotency_key AS "idempotencyKey", request_hash AS "requestHash", created_at AS "createdAt", completed_at AS "completedAt"`);

export function createPledgeRepository({ prisma, pool }: Pick<Database, 'prisma' | 'pool'>) {
  /** The pledge rows a statement returns (Prisma.Sql renders PostgreSQL's $n placeholders). */
  async function pledgeRows(statement: Prisma.Sql): Promise<Pledge[]> {
    return (await pool.query<Pledge>(statement.text, statement.values)).rows;
  }

  return {
    /**
     * Inserts the pledge, or returns the one already holding its idempotency key (a retried or
     * concurrent request): the unique index decides, not a read-then-write race.
     */
    async insertOrFindByKey(pledge: NewPledge): Promise<{ pledge: Pledge; created: boolean }> {
      // A key released (expired attempt) between the two statements: insert again, once.
      for (let attempt = 0; attempt < 2; attempt++) {
        const [inserted] = await pledgeRows(Prisma.sql`
          INSERT INTO pledges (campaign_id, amount, covered_fee, currency, frequency, cover_fees, email, name, anonymous,
            show_amount, message, dedication, idempotency_key, request_hash)
          VALUES (${pledge.campaignId}::uuid, ${pledge.amount}, ${pledge.coveredFee}, ${pledge.currency},
            ${pledge.frequency}::"Frequency", ${pledge.coverFees}, ${pledge.email}, ${pledge.name}, ${pledge.anonymous},
            ${pledge.showAmount}, ${pledge.message}, ${pledge.dedication}, ${pledge.idempotencyKey}, ${pledge.requestHash})
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING ${PLEDGE_COLUMNS}`);
        if (inserted) return { pledge: inserted, created: true };
        const [existing] = await pledgeRows(Prisma.sql`
          SELECT ${PLEDGE_COLUMNS} FROM pledges WHERE idempotency_key = ${pledge.idempotencyKey}`);
        if (existing) return { pledge: existing, created: false };
      }
      throw new Error('the idempotency key was taken and released twice while inserting its pledge');
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
      const [saved] = await pledgeRows(Prisma.sql`
        UPDATE pledges SET checkout_session_id = ${session.id}, checkout_url = ${session.url}, updated_at = now(),
          status = CASE WHEN ${pledgeStatusMayBecome('pending')} THEN 'pending'::"PledgeStatus" ELSE status END
        WHERE id = ${id}::uuid
        RETURNING ${PLEDGE_COLUMNS}`);
      if (!saved) throw new Error(`pledge ${id} vanished before its checkout session was recorded`);
      return saved;
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

export type PledgeRepository = ReturnType<typeof createPledgeRepository>;
