// `npm run receipts:annual -- --year 2026 [--send] [--csv FILE]`: a dry run by default, printing
// (or writing) a CSV of what would be sent; `--send` queues each donor's statement once per year.
import { stringify } from 'csv-stringify/sync';
import { parseArgs } from 'node:util';
import { formatMinor } from '../money/currency.ts';
import { STATEMENT_CSV_COLUMNS, type StatementService } from './statement-service.ts';

export const ANNUAL_USAGE = 'usage: npm run receipts:annual -- --year YYYY [--send] [--csv FILE]';

export interface StatementCliIo {
  out(text: string): void;
  err(line: string): void;
  writeFile(path: string, text: string): Promise<void>;
  /** A progress bar on a TTY; absent elsewhere. */
  progress?: { start(total: number): void; tick(): void; stop(): void };
}

export async function runAnnualStatements(argv: string[], statements: StatementService, io: StatementCliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { year: { type: 'string' }, send: { type: 'boolean' }, csv: { type: 'string' } } }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${ANNUAL_USAGE}`);
    return 2;
  }
  const year = Number(values.year);
  if (!values.year || !Number.isInteger(year) || year < 2000 || year > 2100) {
    io.err(`--year: a year such as 2026 is required\n${ANNUAL_USAGE}`);
    return 2;
  }
  const plans = await statements.plan(year);
  const rows = plans.flatMap(({ statement, alreadyQueued }) =>
    statement.totals.map((t) => [
      statement.email, statement.name ?? '', t.currency, t.count, formatMinor(t.gross, t.currency), formatMinor(t.refunded, t.currency),
      formatMinor(t.net, t.currency), alreadyQueued ? 'already sent' : values.send ? 'queued' : 'would send',
    ]),
  );
  const csv = stringify([[...STATEMENT_CSV_COLUMNS], ...rows]);
  if (values.csv) await io.writeFile(values.csv, csv);
  else io.out(csv);

  const fresh = plans.filter((p) => !p.alreadyQueued);
  if (!values.send) {
    io.err(`dry run: ${fresh.length} statement(s) would be sent for ${year}, ${plans.length - fresh.length} already sent; add --send to queue them`);
    return 0;
  }
  let queued = 0;
  io.progress?.start(fresh.length);
  for (const { statement } of fresh) {
    if (await statements.queue(year, statement)) queued++;
    io.progress?.tick();
  }
  io.progress?.stop();
  io.err(`queued ${queued} statement(s) for ${year} (${plans.length - queued} donor(s) already had theirs)`);
  return 0;
}
