// Where the database is: DATABASE_URL when given, else the embedded server with its data in
// .data/postgres (kept between runs). Shared by main and the command-line tools: while the app
// runs, a tool joins its server instead of starting another (see embedded-postgres.ts).
import path from 'node:path';
import type { Config } from '../config.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface DatabaseLocation {
  url: string;
  /** The embedded server, when there is one: where its data really are, and whether it was already running. */
  embedded?: { dataDir: string; linkedFrom?: string; port: number; joined: boolean };
  /** Leaves the embedded server (stopping it if no one else uses it); nothing for an external database. */
  stop(): Promise<void>;
}

export async function locateDatabase(
  config: Pick<Config, 'databaseUrl' | 'embeddedPostgresDir'>,
  log: (message: string) => void = () => {},
  /** For a process with its own graceful shutdown, which calls stop() itself. */
  options: { exitOnSignal?: boolean } = {},
): Promise<DatabaseLocation> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => {} };
  const dataDir = path.resolve(PROJECT_ROOT, config.embeddedPostgresDir ?? '.data/postgres');
  const server = await startEmbeddedPostgres({
    dataDir,
    database: 'donations',
    durable: true,
    log,
    exitOnSignal: options.exitOnSignal,
  });
  const linkedFrom = server.dataDir === dataDir ? {} : { linkedFrom: dataDir };
  return { url: server.url, embedded: { dataDir: server.dataDir, ...linkedFrom, port: server.port, joined: server.joined }, stop: () => server.stop() };
}

/** For the command-line tools: a database that cannot be had ends the command with its reason, not a stack trace. */
export async function locateDatabaseOrExit(config: Pick<Config, 'databaseUrl' | 'embeddedPostgresDir'>): Promise<DatabaseLocation> {
  try {
    return await locateDatabase(config);
  } catch (error) {
    process.stderr.write(`cannot open the database: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
