// The annual statement run (`npm run receipts:annual`): a dry run lists what would be sent; with
// `send`, each donor's statement is queued in the outbox under a key per donor and year, so a
// second run, or a run beside another, queues nothing new.
import type { OrgConfig } from '../config.ts';
import { enqueueEmail, emailExists } from '../email/outbox-repository.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { groupStatements, renderStatement, statementKey, type DonorStatement } from './statement.ts';
import { giftsOfYear } from './statement-repository.ts';

export interface StatementPlan {
  statement: DonorStatement;
  /** Queued by an earlier run: not sent again. */
  alreadyQueued: boolean;
}

export function createStatementService(deps: { client: Prisma.TransactionClient; org: OrgConfig; domain: string }) {
  return {
    async plan(year: number): Promise<StatementPlan[]> {
      const statements = groupStatements(await giftsOfYear(deps.client, { year, timeZone: deps.org.timeZone }));
      const plans: StatementPlan[] = [];
      for (const statement of statements) {
        plans.push({ statement, alreadyQueued: await emailExists(deps.client, statementKey(year, statement.email)) });
      }
      return plans;
    },

    /** Queues one statement; false when one was already queued for this donor and year. */
    queue(year: number, statement: DonorStatement): Promise<boolean> {
      return enqueueEmail(
        deps.client,
        { dedupeKey: statementKey(year, statement.email), kind: 'statement', to: statement.email, ...renderStatement(statement, { org: deps.org, year }) },
        deps.domain,
      );
    },

    /** One donor's statement as a printable page, for staff (null: no gifts that year). */
    async printable(year: number, email: string): Promise<string | null> {
      const [statement] = groupStatements(await giftsOfYear(deps.client, { year, timeZone: deps.org.timeZone, email }));
      return statement ? renderStatement(statement, { org: deps.org, year }).html : null;
    },
  };
}

export type StatementService = ReturnType<typeof createStatementService>;

export const STATEMENT_CSV_COLUMNS = ['email', 'name', 'currency', 'gifts', 'gross', 'refunded', 'net', 'status'] as const;
