// The inbox's fast path for its most common event, a paid one-time checkout: the whole unit of
// work (claim, subject locks, payment, receipt, pledge, match, settle) in ONE statement in
// autocommit, webhook_fast_checkout() (prisma/migrations/20261201070000_checkout_fast_path), instead
// of an interactive transaction of about ten round trips. Nothing is then held across a turn of
// this process: on a matched night every gift's transaction queues on its pool's row lock, and
// with the lock held over round trips the queue moved at the speed of this process.
//
// The typed rules stay the one source: what a payment records, whether the pledge may complete,
// what the receipt says are decided here by the same functions the TypeScript path calls, from the
// pledge read just before (one more statement, no transaction). The function only checks, under
// the locks, that what they were decided from still holds. Anything unusual (no pledge for the
// session, figures that disagree, a payment already recorded, events deferred on it, a pledge
// changed meanwhile, a first-time pool) declines with SQLSTATE FP001, writing nothing: the caller
// then applies the event through the TypeScript path as before.
// test/integration/webhooks/fast-path-agreement.test.ts checks that both paths keep the same books.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { Prisma } from '../generated/prisma/client.ts';
import { normalEmail } from '../matching/match-allocation.ts';
import type { NoticesFactory } from '../payments/ledger-rules.ts';
import { carriesPayment, checkoutPayment, disagreement, pledgeStatusAfter, type CheckoutFacts } from '../payments/payment-service.ts';
import { pledgeStatusMayBecome } from '../pledges/pledge-status-rule.ts';
import type { OutboxMessage } from '../email/outbox-repository.ts';
import type { PaymentRecord } from '../payments/payment.ts';
import { envelopeColumns } from './event-envelope.ts';
import { checkoutFacts } from './event-handlers.ts';

/** The function's "not for me": nothing was written. */
const DECLINED = 'FP001';

/** The events the fast path may take, and what each says happened to the money. */
const OUTCOMES: Partial<Record<string, CheckoutFacts['outcome']>> = {
  'checkout.session.completed': 'completed',
  'checkout.session.async_payment_succeeded': 'async_succeeded',
};

interface PledgeRead {
  id: string;
  campaignId: string;
  amount: number;
  coveredFee: number;
  currency: string;
  frequency: 'once' | 'monthly';
  email: string;
  name: string | null;
  subscriptionStatus: string | null;
  subscriptionStatusAt: Date | null;
  campaignTitle: string;
  /** checkout_fast_pledge_state(): what the function compares under the pledge's row lock. */
  state: string;
  mayComplete: boolean;
}

const pledgeBySession = (sessionId: string) => Prisma.sql`
  SELECT pl.id::text, pl.campaign_id::text AS "campaignId", pl.amount, pl.covered_fee AS "coveredFee", pl.currency,
    pl.frequency::text AS frequency, pl.email, pl.name, pl.subscription_status AS "subscriptionStatus",
    pl.subscription_status_at AS "subscriptionStatusAt", c.title AS "campaignTitle",
    checkout_fast_pledge_state(pl) AS state, ${pledgeStatusMayBecome('completed')} AS "mayComplete"
  FROM pledges pl JOIN campaigns c ON c.id = pl.campaign_id
  WHERE pl.checkout_session_id = ${sessionId}`;

export type FastOutcome = { status: 'processed' } | { status: 'duplicate' };

export interface CheckoutFastPath {
  /** The event applied (or found a duplicate) in one statement; null: apply it the usual way. */
  apply(event: Stripe.Event, source: string, subjects: string[], logger: Logger): Promise<FastOutcome | null>;
}

export function createCheckoutFastPath(deps: {
  pool: Pick<pg.Pool, 'query'>;
  /** The ledger's notices: a receipt is queued with the payment, as the TypeScript path does. */
  notices?: NoticesFactory;
}): CheckoutFastPath | undefined {
  const { pool, notices } = deps;
  // Notices that cannot render a receipt ahead would have to run inside a transaction: no fast path.
  if (notices && !notices.receiptAhead) return undefined;

  async function readPledge(sessionId: string): Promise<PledgeRead | null> {
    const q = pledgeBySession(sessionId);
    const { rows } = await pool.query<PledgeRead>(q.text, q.values);
    return rows[0] ?? null;
  }

  /** One statement: the event applied, or found a duplicate; throws FP001 when it declines. */
  async function call(
    event: Stripe.Event, source: string, subjects: string[], c: CheckoutFacts, pledge: PledgeRead,
    payment: PaymentRecord & { id: string }, receipt: OutboxMessage | null,
  ) {
    const e = envelopeColumns(event);
    const { rows } = await pool.query<{ outcome: 'processed' | 'duplicate' }>(
      `SELECT webhook_fast_checkout($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::text[], $10::uuid, $11, $12, $13, $14, $15,
         $16::uuid, $17, $18, $19, $20, $21, $22::uuid, $23, $24, $25, $26, $27, $28, $29, $30, $31) AS outcome`,
      [
        e.id, e.type, e.apiVersion, e.livemode, e.objectId, e.payload, source, e.createdAt, [...subjects].sort(),
        pledge.id, c.sessionId, pledge.state, pledge.mayComplete, c.subscriptionId, c.customerId,
        payment.id, payment.amount, payment.coveredFee, payment.currency, payment.paymentIntentId, payment.paidAt,
        receipt?.id ?? null, receipt?.dedupeKey ?? null, receipt?.kind ?? null, receipt?.to ?? null, receipt?.subject ?? null,
        receipt?.html ?? null, receipt?.text ?? null, receipt?.messageId ?? null,
        // Matches are a rule of the books (src/webhooks/ledger.ts): the function always takes them.
        true, normalEmail(pledge.email),
      ],
    );
    return rows[0]!.outcome;
  }

  return {
    async apply(event, source, subjects, logger) {
      const outcome = OUTCOMES[event.type];
      if (!outcome) return null;
      const c = checkoutFacts(event.data.object as Stripe.Checkout.Session, event, outcome);
      // Only the common case: a paid one-time payment (the rest is rare, and the TypeScript path's).
      if (!carriesPayment(c) || !c.paid || c.subscriptionId) return null;
      const pledge = await readPledge(c.sessionId);
      if (!pledge || disagreement(pledge, c.amount, c.currency)) return null;
      const payment = { ...checkoutPayment(pledge, c, null), id: randomUUID() };
      if (payment.status !== 'succeeded' || pledgeStatusAfter(payment) !== 'completed') return null;
      const receipt = notices?.receiptAhead
        ? await notices.receiptAhead({
          paymentId: payment.id, status: payment.status, flag: null, amount: payment.amount, coveredFee: payment.coveredFee,
          currency: payment.currency, amountRefunded: 0, paidAt: payment.paidAt, pledgeId: pledge.id, email: pledge.email,
          name: pledge.name, frequency: pledge.frequency, subscriptionStatus: pledge.subscriptionStatus,
          subscriptionStatusAt: pledge.subscriptionStatusAt, campaignTitle: pledge.campaignTitle,
        })
        : null;
      try {
        const status = await call(event, source, subjects, c, pledge, payment, receipt);
        if (status === 'processed' && receipt) logger.info({ dedupeKey: receipt.dedupeKey, kind: receipt.kind }, 'email queued');
        return { status };
      } catch (error) {
        if ((error as { code?: unknown }).code !== DECLINED) throw error;
        logger.debug({ reason: (error as Error).message }, 'fast path declined: applying the usual way');
        return null;
      }
    },
  };
}
