// The email_outbox table. Writes take any client, so a message is queued inside the transaction
// of the fact that causes it; claiming uses FOR UPDATE SKIP LOCKED, so several senders (one per
// app instance) never take the same row and never wait for each other.
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.ts';
import type { ClaimedEmail, EmailRow, NewEmail } from './outbox.ts';

type Client = Prisma.TransactionClient;

/** A message as its outbox row is written: its id, and the Message-ID made from it. */
export type OutboxMessage = NewEmail & { id: string; messageId: string };

/** Gives a message its row id and Message-ID (stable across retries, see the table). */
export function outboxMessage(email: NewEmail, domain: string): OutboxMessage {
  const id = randomUUID();
  return { ...email, id, messageId: `<${id}@${domain}>` };
}

/** Queues the message unless one with its dedupe key exists; true when this call wrote it. */
export async function enqueueEmail(client: Client, email: NewEmail, domain: string): Promise<boolean> {
  const m = outboxMessage(email, domain);
  const n = await client.$executeRaw`
    INSERT INTO email_outbox (id, dedupe_key, kind, to_address, subject, html, text, message_id, headers)
    VALUES (${m.id}::uuid, ${m.dedupeKey}, ${m.kind}, ${m.to}, ${m.subject}, ${m.html}, ${m.text},
      ${m.messageId}, ${m.headers ? JSON.stringify(m.headers) : null}::jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING`;
  return n > 0;
}

export async function emailExists(client: Client, dedupeKey: string): Promise<boolean> {
  const rows = await client.$queryRaw<unknown[]>`SELECT 1 FROM email_outbox WHERE dedupe_key = ${dedupeKey}`;
  return rows.length > 0;
}

const ROW = (alias: string) => `${alias}.id::text, ${alias}.kind, ${alias}.to_address AS "to", ${alias}.subject, ${alias}.status::text AS status,
  ${alias}.attempts, ${alias}.smtp_response AS "smtpResponse", ${alias}.last_error AS "lastError",
  ${alias}.created_at AS "createdAt", ${alias}.sent_at AS "sentAt"`;

export function createOutboxRepository(client: Client) {
  return {
    /**
     * Takes up to `limit` messages due now, and any whose sender died mid-send (lease over), for
     * `leaseMs`: another sender leaves them alone until then.
     */
    claim(limit: number, leaseMs: number): Promise<ClaimedEmail[]> {
      return client.$queryRaw<ClaimedEmail[]>`
        UPDATE email_outbox o SET status = 'sending', attempts = o.attempts + 1,
          lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        FROM (
          SELECT id FROM email_outbox
          WHERE (status = 'queued' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until < now())
          ORDER BY next_attempt_at LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        ) due
        WHERE o.id = due.id
        RETURNING o.id::text, o.to_address AS "to", o.subject, o.html, o.text, o.message_id AS "messageId", o.attempts, o.headers`;
    },

    /** Records a round's sent messages in one statement, each with the server's answer. */
    async markSent(sent: Array<{ id: string; response: string }>): Promise<void> {
      if (!sent.length) return;
      await client.$executeRaw`
        UPDATE email_outbox o SET status = 'sent', sent_at = now(), smtp_response = s.response,
          last_error = NULL, lease_until = NULL
        FROM unnest(${sent.map((m) => m.id)}::uuid[], ${sent.map((m) => m.response.slice(0, 1000))}::text[]) AS s(id, response)
        WHERE o.id = s.id AND o.status = 'sending'`;
    },

    async markRetry(id: string, error: string, response: string | null, delayMs: number): Promise<void> {
      await client.$executeRaw`
        UPDATE email_outbox SET status = 'queued', last_error = ${error.slice(0, 1000)}, smtp_response = ${response?.slice(0, 1000) ?? null},
          next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}::float8), lease_until = NULL
        WHERE id = ${id}::uuid AND status = 'sending'`;
    },

    async markFailed(id: string, error: string, response: string | null): Promise<void> {
      await client.$executeRaw`
        UPDATE email_outbox SET status = 'failed', last_error = ${error.slice(0, 1000)}, smtp_response = ${response?.slice(0, 1000) ?? null},
          lease_until = NULL
        WHERE id = ${id}::uuid AND status = 'sending'`;
    },

    /** Newest first, for the dashboard's Emails tab. */
    list(limit: number, to?: string): Promise<EmailRow[]> {
      return client.$queryRawUnsafe<EmailRow[]>(
        `SELECT ${ROW('o')} FROM email_outbox o WHERE ($1::text IS NULL OR lower(o.to_address) = lower($1)) ORDER BY o.created_at DESC, o.id LIMIT $2`,
        to ?? null,
        limit,
      );
    },

    async find(id: string): Promise<(EmailRow & { html: string; text: string; messageId: string; headers: Record<string, string> | null }) | null> {
      const rows = await client.$queryRawUnsafe<Array<EmailRow & { html: string; text: string; messageId: string; headers: Record<string, string> | null }>>(
        `SELECT ${ROW('o')}, o.html, o.text, o.message_id AS "messageId", o.headers FROM email_outbox o WHERE o.id = $1::uuid`,
        id,
      );
      return rows[0] ?? null;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
