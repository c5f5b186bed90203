// Where the database is: DATABASE_URL when given, else the embedded server with its data in
// .data/postgres (kept between runs). Shared by main and the command-line tools.
import path from 'node:path';
import type { Config } from '../config.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface DatabaseLocation {
  url: string;
  embedded: boolean;
  /** Stops the embedded server; nothing for an external database. */
  stop(): Promise<void>;
}

export async function locateDatabase(
  config: Pick<Config, 'databaseUrl' | 'embeddedPostgresDir'>,
  log: (message: string) => void = () => {},
): Promise<DatabaseLocation> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => {} };
  const server = await startEmbeddedPostgres({
    dataDir: path.resolve(PROJECT_ROOT, config.embeddedPostgresDir ?? '.data/postgres'),
    database: 'donations',
    durable: true,
    log,
  });
  return { url: server.url, embedded: true, stop: () => server.stop() };
}
