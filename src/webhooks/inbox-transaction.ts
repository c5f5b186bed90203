// The unit of work of the inbox: one database transaction holding the event row, the locks on
// its subjects and the money it moves. Everything in it commits together or not at all.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { createLedgerRules, type LedgerRules } from '../payments/ledger-rules.ts';
import { createWebhookEventRepository, type WebhookEventRepository } from './webhook-event-repository.ts';

export interface InboxTransaction {
  events: WebhookEventRepository;
  ledger(logger: Logger): LedgerRules;
  /**
   * Transaction-scoped advisory locks on subjects ("pi:...", "sub:..."), taken in a fixed order:
   * two events about one payment never interleave, on any instance, and events about different
   * payments never wait for each other (no hot row).
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

function bind(client: Prisma.TransactionClient): InboxTransaction {
  let savepoints = 0;
  return {
    events: createWebhookEventRepository(client),
    ledger: createLedgerRules(client),
    async lock(subjects) {
      for (const subject of [...new Set(subjects)].sort()) {
        await client.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${subject}, 0))) l`;
      }
    },
    async savepoint(fn) {
      const name = `inbox_${++savepoints}`;
      await client.$executeRawUnsafe(`SAVEPOINT ${name}`);
      try {
        const result = await fn();
        await client.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await client.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
  };
}

export function createInboxStore(db: Pick<Database, 'prisma'>): InboxStore {
  return {
    transaction: (fn) => db.prisma.$transaction((client) => fn(bind(client)), TRANSACTION_OPTIONS),
    events: createWebhookEventRepository(db.prisma),
  };
}
