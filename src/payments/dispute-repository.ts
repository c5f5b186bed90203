// Disputes persistence: each dispute merged by its Stripe id, its status moving forward only
// (dispute_status_rank), the money of its balance transactions only growing (the list of them
// only grows). Also what staff must answer: the open ones, soonest evidence deadline first.
import type { Prisma } from '../generated/prisma/client.ts';
import type { DisputeFacts, OpenDispute } from './disputes.ts';

type Client = Prisma.TransactionClient;

export function createDisputeRepository(client: Client) {
  return {
    async merge(d: DisputeFacts): Promise<void> {
      await client.$executeRaw`
        INSERT INTO disputes AS x (id, stripe_charge_id, stripe_payment_intent_id, amount, currency, status, reason, evidence_due_by,
          funds_withdrawn, funds_reinstated, fee, stripe_created_at)
        VALUES (${d.id}, ${d.chargeId}, ${d.paymentIntentId}, ${d.amount}, ${d.currency}, ${d.status}, ${d.reason}, ${d.evidenceDueBy},
          ${d.fundsWithdrawn}, ${d.fundsReinstated}, ${d.fee}, ${d.createdAt})
        ON CONFLICT (id) DO UPDATE SET
          status = CASE WHEN dispute_status_rank(EXCLUDED.status) > dispute_status_rank(x.status) THEN EXCLUDED.status ELSE x.status END,
          evidence_due_by = COALESCE(EXCLUDED.evidence_due_by, x.evidence_due_by),
          funds_withdrawn = GREATEST(x.funds_withdrawn, EXCLUDED.funds_withdrawn),
          funds_reinstated = GREATEST(x.funds_reinstated, EXCLUDED.funds_reinstated),
          fee = GREATEST(x.fee, EXCLUDED.fee),
          stripe_charge_id = COALESCE(x.stripe_charge_id, EXCLUDED.stripe_charge_id),
          stripe_payment_intent_id = COALESCE(x.stripe_payment_intent_id, EXCLUDED.stripe_payment_intent_id),
          updated_at = now()`;
    },

    /** Disputes and inquiries still waiting on an answer or a decision, soonest deadline first. */
    open(limit: number): Promise<OpenDispute[]> {
      return client.$queryRaw<OpenDispute[]>`
        SELECT d.id, d.status, d.reason, d.amount, d.currency, d.evidence_due_by AS "evidenceDueBy", d.stripe_charge_id AS "chargeId",
               c.slug AS campaign, pl.email, pl.name
        FROM disputes d
        LEFT JOIN payments p ON p.stripe_charge_id = d.stripe_charge_id
        LEFT JOIN pledges pl ON pl.id = p.pledge_id
        LEFT JOIN campaigns c ON c.id = p.campaign_id
        WHERE dispute_status_rank(d.status) < 4
        ORDER BY d.evidence_due_by NULLS LAST, d.id
        LIMIT ${limit}`;
    },
  };
}

export type DisputeRepository = ReturnType<typeof createDisputeRepository>;
