// The inbox table. Inserting an event is how the service claims it: the primary key on Stripe's
// event id lets exactly one transaction, on any instance, apply it.
import type Stripe from 'stripe';
import { Prisma } from '../generated/prisma/client.ts';
import { envelopeColumns } from './event-envelope.ts';

type Client = Prisma.TransactionClient;

export type InboxStatus = 'received' | 'processed' | 'ignored' | 'failed' | 'deferred';

export interface StoredEvent {
  id: string;
  type: string;
  status: InboxStatus;
  attempts: number;
  lastError: string | null;
  waitingFor: string | null;
  source: string;
  payload: Stripe.Event;
  receivedAt: Date;
  processedAt: Date | null;
}

type Outcome = { status: Exclude<InboxStatus, 'received' | 'failed'>; waitingFor?: string | null; note?: string | null };

/** The advisory-lock key of an inbox subject ("pi:...", "sub:..."): the one definition. */
export const subjectLockKey = (subject: Prisma.Sql | string) => Prisma.sql`hashtextextended(${subject}, 0)`;

const settleSql = (id: string, outcome: Outcome) => Prisma.sql`
  UPDATE webhook_events SET status = ${outcome.status}::"WebhookEventStatus",
    waiting_for = ${outcome.status === 'deferred' ? (outcome.waitingFor ?? null) : null},
    last_error = ${outcome.status === 'processed' ? null : (outcome.note ?? null)},
    processed_at = CASE WHEN ${outcome.status} = 'deferred' THEN NULL ELSE now() END
  WHERE id = ${id}`;

export function createWebhookEventRepository(client: Client) {
  return {
    /**
     * False when the event is already in the inbox (waits for a concurrent claimant to finish).
     * When it is new, the same statement takes the transaction's advisory locks on `lockSubjects`,
     * in the order given (see inbox-transaction.ts): one round trip for both.
     */
    async claim(event: Stripe.Event, source: string, lockSubjects: string[] = []): Promise<boolean> {
      const c = envelopeColumns(event);
      const rows = await client.$queryRaw<Array<{ id: string }>>`
        WITH claimed AS (
          INSERT INTO webhook_events (id, type, api_version, livemode, object_id, payload, status, attempts, source, stripe_created_at)
          VALUES (${c.id}, ${c.type}, ${c.apiVersion}, ${c.livemode}, ${c.objectId}, ${c.payload}::jsonb, 'received', 1, ${source},
            ${c.createdAt})
          ON CONFLICT (id) DO NOTHING
          RETURNING id)
        SELECT id, (SELECT count(*) FROM (
          SELECT pg_advisory_xact_lock(${subjectLockKey(Prisma.sql`s`)}) FROM unnest(${lockSubjects}::text[]) AS u(s)) l) AS locks
        FROM claimed`;
      return rows.length > 0;
    },

    /** Locks a stored event for a replay; null when it is missing. */
    async lock(id: string): Promise<StoredEvent | null> {
      const rows = await client.$queryRaw<StoredEvent[]>`
        SELECT id, type, status::text AS status, attempts, last_error AS "lastError", waiting_for AS "waitingFor",
          source, payload, received_at AS "receivedAt", processed_at AS "processedAt"
        FROM webhook_events WHERE id = ${id} FOR UPDATE`;
      return rows[0] ?? null;
    },

    async settle(id: string, outcome: Outcome) {
      await client.$executeRaw`${settleSql(id, outcome)}`;
    },

    async countAttempt(id: string): Promise<void> {
      await client.$executeRaw`UPDATE webhook_events SET attempts = attempts + 1 WHERE id = ${id}`;
    },

    /**
     * Records an event that can never apply; a processed event is never downgraded. With `stub`,
     * only the envelope is kept as payload (the payload itself is what PostgreSQL refused).
     */
    async recordFailure(event: Stripe.Event, source: string, error: string, options: { stub?: string } = {}): Promise<void> {
      const c = envelopeColumns(event, options);
      await client.$executeRaw`
        INSERT INTO webhook_events AS w (id, type, api_version, livemode, object_id, payload, status, attempts, last_error, source, stripe_created_at)
        VALUES (${c.id}, ${c.type}, ${c.apiVersion}, ${c.livemode}, ${c.objectId}, ${c.payload}::jsonb, 'failed', 1, ${error}, ${source},
          ${c.createdAt})
        ON CONFLICT (id) DO UPDATE SET status = 'failed', attempts = w.attempts + 1, last_error = EXCLUDED.last_error,
          processed_at = NULL
        WHERE w.status IN ('failed', 'received', 'deferred')`;
    },

    /**
     * settle() and takeDeferred() in one statement: the event's outcome, and the deferred events
     * waiting for any of `subjects`, locked, oldest first (none unless the event was processed).
     */
    settleAndTakeDeferred(
      id: string,
      outcome: Outcome,
      subjects: string[],
    ): Promise<Array<{ id: string; payload: Stripe.Event }>> {
      const wake = outcome.status === 'processed' ? subjects : [];
      return client.$queryRaw`
        WITH settled AS (${settleSql(id, outcome)} RETURNING id)
        SELECT id, payload FROM webhook_events
        WHERE status = 'deferred' AND waiting_for = ANY(${wake}::text[]) AND id <> (SELECT id FROM settled)
        ORDER BY stripe_created_at, id FOR UPDATE`;
    },

    /** Deferred events waiting for any of these subjects, locked, oldest first. */
    takeDeferred(subjects: string[]): Promise<Array<{ id: string; payload: Stripe.Event }>> {
      if (subjects.length === 0) return Promise.resolve([]);
      return client.$queryRaw`
        SELECT id, payload FROM webhook_events
        WHERE status = 'deferred' AND waiting_for = ANY(${subjects}::text[])
        ORDER BY stripe_created_at, id FOR UPDATE`;
    },

    async find(id: string): Promise<StoredEvent | null> {
      const rows = await client.$queryRaw<StoredEvent[]>`
        SELECT id, type, status::text AS status, attempts, last_error AS "lastError", waiting_for AS "waitingFor",
          source, payload, received_at AS "receivedAt", processed_at AS "processedAt"
        FROM webhook_events WHERE id = ${id}`;
      return rows[0] ?? null;
    },

    /** Which of these event ids the inbox already holds. */
    async known(ids: string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await client.$queryRaw<Array<{ id: string }>>`SELECT id FROM webhook_events WHERE id = ANY(${ids}::text[])`;
      return new Set(rows.map((r) => r.id));
    },

    async counts(): Promise<Record<InboxStatus, number>> {
      const rows = await client.$queryRaw<Array<{ status: InboxStatus; n: number }>>`
        SELECT status::text AS status, count(*)::int AS n FROM webhook_events GROUP BY status`;
      const counts = { received: 0, processed: 0, ignored: 0, failed: 0, deferred: 0 };
      for (const r of rows) counts[r.status] = r.n;
      return counts;
    },

    /**
     * Seconds since the oldest event still pending (received, or deferred waiting for another
     * object) and the oldest failed one arrived, for /metrics; null when there is none. One index
     * probe each on (status, received_at).
     */
    async oldestWaiting(): Promise<{ pending: number | null; failed: number | null }> {
      const [row] = await client.$queryRaw<Array<{ pending: number | null; failed: number | null }>>`
        SELECT
          EXTRACT(EPOCH FROM now() - LEAST(
            (SELECT min(received_at) FROM webhook_events WHERE status = 'received'),
            (SELECT min(received_at) FROM webhook_events WHERE status = 'deferred')))::float8 AS pending,
          EXTRACT(EPOCH FROM now() - (SELECT min(received_at) FROM webhook_events WHERE status = 'failed'))::float8 AS failed`;
      return { pending: row?.pending ?? null, failed: row?.failed ?? null };
    },
  };
}

export type WebhookEventRepository = ReturnType<typeof createWebhookEventRepository>;
