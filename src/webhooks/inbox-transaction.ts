// The unit of work of the inbox: one database transaction holding the event row, the locks on
// its subjects and the money it moves. Everything in it commits together or not at all.
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Database } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { createLedgerRules, type LedgerExtras, type LedgerRules, type NoticesFactory } from '../payments/ledger-rules.ts';
import { createWebhookEventRepository, subjectLockKey, type WebhookEventRepository } from './webhook-event-repository.ts';

export interface InboxTransaction {
  events: WebhookEventRepository;
  /**
   * Claims the event (false: already in the inbox) and, when it is new, takes the locks on
   * `subjects` as the first lock() call would, in the same round trip.
   */
  claim(event: Stripe.Event, source: string, subjects: string[]): Promise<boolean>;
  ledger(logger: Logger): LedgerRules;
  /**
   * Transaction-scoped advisory locks on subjects ("pi:...", "sub:..."): two events about one
   * payment never interleave, on any instance, and events about different payments never wait for
   * each other (no hot row). The first call waits for its locks, in sorted order, before anything
   * is written; a later call (waking a deferred event about more subjects) only tries, since
   * waiting then, out of order and holding rows, is how two transactions deadlock. When a later
   * lock is held elsewhere the whole transaction starts again with it locked from the start.
   */
  lock(subjects: string[]): Promise<void>;
  /** Runs `fn` so that its writes can be undone alone if it throws. */
  savepoint<T>(fn: () => Promise<T>): Promise<T>;
}

export interface InboxStore {
  transaction<T>(fn: (tx: InboxTransaction) => Promise<T>): Promise<T>;
  /** Outside any transaction: reads and single-statement writes. */
  events: WebhookEventRepository;
}

const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 } as const;

/** Binds the donor notices (receipts, refund notices) to the inbox's transaction. */
export type { NoticesFactory };

// Each start adds the subjects found held elsewhere; a chain of deferred events is short, so a
// few starts suffice, and past them the event fails transiently (Stripe retries it).
const MAX_STARTS = 5;

/** A lock needed after the transaction began writing is held by another transaction. */
class StartAgain extends Error {
  constructor(readonly subjects: string[]) {
    super(`subjects held by another transaction: ${subjects.join(', ')}`);
    this.name = 'StartAgain';
  }
}

function bind(client: Prisma.TransactionClient, upFront: string[], extras: LedgerExtras): InboxTransaction {
  let savepoints = 0;
  let began = false;
  let held = new Set<string>();
  const events = createWebhookEventRepository(client);
  const firstLocks = (subjects: string[]) => [...new Set([...subjects, ...upFront])].filter((s) => !held.has(s)).sort();
  return {
    events,
    ledger: createLedgerRules(client, extras),
    async claim(event, source, subjects) {
      if (began) throw new Error('claim must come before any lock');
      const locks = firstLocks(subjects);
      if (!(await events.claim(event, source, locks))) return false;
      began = true;
      for (const subject of locks) held.add(subject);
      return true;
    },
    async lock(subjects) {
      const missing = began ? [...new Set(subjects)].filter((s) => !held.has(s)).sort() : firstLocks(subjects);
      if (!began) {
        began = true;
        for (const subject of missing) {
          await client.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${subjectLockKey(subject)})) l`;
          held.add(subject);
        }
        return;
      }
      const busy: string[] = [];
      for (const subject of missing) {
        const [row] = await client.$queryRaw<Array<{ got: boolean }>>`SELECT pg_try_advisory_xact_lock(${subjectLockKey(subject)}) AS got`;
        if (row?.got) held.add(subject);
        else busy.push(subject);
      }
      if (busy.length > 0) throw new StartAgain([...held, ...busy]);
    },
    async savepoint(fn) {
      const name = `inbox_${++savepoints}`;
      const heldBefore = new Set(held);
      await client.$executeRawUnsafe(`SAVEPOINT ${name}`);
      try {
        const result = await fn();
        await client.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await client.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
        // PostgreSQL releases the locks taken since the savepoint along with its writes.
        held = heldBefore;
        throw error;
      }
    },
  };
}

export function createInboxStore(db: Pick<Database, 'prisma'>, extras: LedgerExtras = {}): InboxStore {
  return {
    async transaction(fn) {
      let upFront: string[] = [];
      for (let start = 1; ; start++) {
        try {
          return await db.prisma.$transaction((client) => fn(bind(client, upFront, extras)), TRANSACTION_OPTIONS);
        } catch (error) {
          if (!(error instanceof StartAgain) || start >= MAX_STARTS) throw error;
          upFront = error.subjects;
        }
      }
    },
    events: createWebhookEventRepository(db.prisma),
  };
}
