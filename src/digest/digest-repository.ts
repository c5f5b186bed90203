// The digest_subscribers table and its consent history (digest_consent_events). A sign-up, a
// confirmation and an unsubscription each run in one transaction with the email they queue, so
// a row never says "sent" without its message in the outbox, nor the other way round.
import type { Readable } from 'node:stream';
import type { Database } from '../db/client.ts';
import { enqueueEmail } from '../email/outbox-repository.ts';
import type { NewEmail } from '../email/outbox.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { DigestSource as DbDigestSource, DigestStatus as DbDigestStatus } from '../generated/prisma/enums.ts';
import { copyOut } from '../payments/export-repository.ts';
import type { DigestSource, DigestStatus } from './digest.ts';
import { CONFIRM_LINK_DAYS } from './digest.ts';

type Client = Prisma.TransactionClient;

// The service's lists and the database's enums are one: this fails to compile if either changes alone.
const sameEnums: [DigestSource, DigestStatus] extends [DbDigestSource, DbDigestStatus]
  ? ([DbDigestSource, DbDigestStatus] extends [DigestSource, DigestStatus] ? true : never)
  : never = true;
void sameEnums;

export interface SubscriberRow {
  id: string;
  email: string;
  name: string | null;
  status: DigestStatus;
}

export interface ConsentEvent {
  subscriberId: string;
  event: 'signup' | 'confirm' | 'unsubscribe';
  source?: DigestSource;
  ip?: string;
  detail: string;
}

const ROW = `id::text, email, name, status::text AS status`;

function store(client: Client) {
  const byId = async (id: string): Promise<SubscriberRow | null> => {
    const rows = await client.$queryRawUnsafe<SubscriberRow[]>(`SELECT ${ROW} FROM digest_subscribers WHERE id = $1::uuid`, id);
    return rows[0] ?? null;
  };
  return {
    byId,

    /**
     * The address's row, locked for this transaction, made if it is new (never two rows); null
     * while another sign-up of the same address holds it: that one does the work, and a flood of
     * sign-ups for one inbox never lines up on its row holding connections.
     */
    async lockOrCreate(s: { email: string; name: string | null; source: DigestSource; ip: string | null }): Promise<SubscriberRow | null> {
      await client.$executeRaw`
        INSERT INTO digest_subscribers (email, name, source, consent_at, consent_ip)
        VALUES (${s.email}, ${s.name}, ${s.source}::"DigestSource", now(), ${s.ip})
        ON CONFLICT (email) DO NOTHING`;
      const rows = await client.$queryRawUnsafe<SubscriberRow[]>(`SELECT ${ROW} FROM digest_subscribers WHERE email = $1 FOR UPDATE SKIP LOCKED`, s.email);
      return rows[0] ?? null;
    },

    /** A new consent for an address not confirmed (new, pending or unsubscribed): pending again. */
    async recordConsent(id: string, s: { name: string | null; source: DigestSource; ip: string | null }): Promise<void> {
      await client.$executeRaw`
        UPDATE digest_subscribers SET status = 'pending', name = COALESCE(${s.name}, name), source = ${s.source}::"DigestSource",
          consent_at = now(), consent_ip = ${s.ip}, updated_at = now()
        WHERE id = ${id}::uuid`;
    },

    async setConfirmToken(id: string, hash: string): Promise<void> {
      await client.$executeRaw`
        UPDATE digest_subscribers SET confirm_token_hash = ${hash}, confirm_sent_at = now(), updated_at = now() WHERE id = ${id}::uuid`;
    },

    /**
     * Confirms the pending address whose last confirmation email holds this token, while the link
     * is young enough; null when no pending row matches.
     */
    async confirm(hash: string, ip: string | null): Promise<SubscriberRow | null> {
      const rows = await client.$queryRawUnsafe<SubscriberRow[]>(
        `UPDATE digest_subscribers SET status = 'confirmed', confirmed_at = now(), confirm_ip = $2, updated_at = now()
         WHERE confirm_token_hash = $1 AND status = 'pending' AND confirm_sent_at > now() - make_interval(days => $3)
         RETURNING ${ROW}`,
        hash, ip, CONFIRM_LINK_DAYS,
      );
      return rows[0] ?? null;
    },

    /** The row whose last confirmation email holds this token, whatever its state. */
    async byConfirmToken(hash: string): Promise<(SubscriberRow & { expired: boolean }) | null> {
      const rows = await client.$queryRawUnsafe<Array<SubscriberRow & { expired: boolean }>>(
        `SELECT ${ROW}, confirm_sent_at <= now() - make_interval(days => $2) AS expired FROM digest_subscribers WHERE confirm_token_hash = $1`,
        hash, CONFIRM_LINK_DAYS,
      );
      return rows[0] ?? null;
    },

    /** Unsubscribes; null when the row is gone, `changed` false when it already was. */
    async unsubscribe(id: string): Promise<{ row: SubscriberRow; changed: boolean } | null> {
      const changed = await client.$queryRawUnsafe<SubscriberRow[]>(
        `UPDATE digest_subscribers SET status = 'unsubscribed', unsubscribed_at = now(), updated_at = now()
         WHERE id = $1::uuid AND status <> 'unsubscribed' RETURNING ${ROW}`,
        id,
      );
      if (changed[0]) return { row: changed[0], changed: true };
      const row = await byId(id);
      return row ? { row, changed: false } : null;
    },

    async addEvent(e: ConsentEvent): Promise<void> {
      await client.$executeRaw`
        INSERT INTO digest_consent_events (subscriber_id, event, source, ip, detail)
        VALUES (${e.subscriberId}::uuid, ${e.event}, ${e.source ?? null}::"DigestSource", ${e.ip ?? null}, ${e.detail})`;
    },

    /** Queues an email in this transaction; false when its dedupe key already has one. */
    enqueue: (email: NewEmail, domain: string): Promise<boolean> => enqueueEmail(client, email, domain),
  };
}

export type DigestStore = ReturnType<typeof store>;

export function createDigestRepository(prisma: Database['prisma']) {
  return {
    ...store(prisma),
    transaction<T>(work: (tx: DigestStore) => Promise<T>): Promise<T> {
      return prisma.$transaction((client) => work(store(client)), { maxWait: 10_000, timeout: 30_000 });
    },
  };
}

export type DigestRepository = ReturnType<typeof createDigestRepository>;

/**
 * subscribers.csv for the newsletter tool: confirmed addresses only, with the consent that was
 * confirmed (its time, source and client address) and the confirmation's. Written by PostgreSQL
 * (COPY), text cells neutralised against spreadsheet formulas (csv_text), instants in ISO 8601 UTC.
 */
export const SUBSCRIBERS_COPY_SQL = `/* admin-export:subscribers */ COPY (
  SELECT csv_text(s.email) AS email, csv_text(s.name) AS name,
    to_char(s.consent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS consent_at, s.source::text AS source,
    csv_text(s.consent_ip) AS consent_ip,
    to_char(s.confirmed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS confirmed_at, csv_text(s.confirm_ip) AS confirm_ip
  FROM digest_subscribers s
  WHERE s.status = 'confirmed'
  ORDER BY s.confirmed_at, s.id
) TO STDOUT WITH (FORMAT csv, HEADER true)`;

export function createSubscriberExportRepository({ pool }: Pick<Database, 'pool'>) {
  return { subscribers: async (): Promise<Readable> => copyOut(pool, SUBSCRIBERS_COPY_SQL) };
}

export type SubscriberExportRepository = ReturnType<typeof createSubscriberExportRepository>;
