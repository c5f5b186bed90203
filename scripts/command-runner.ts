// What every command of scripts/ does around its work: the config (exit 78 when it is wrong), the
// app's database (DATABASE_URL, else the embedded PostgreSQL, joined if the app runs) with its
// migrations applied, and an exit code from the work.
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { createDatabase, type Database } from '../src/db/client.ts';
import { locateDatabaseOrExit } from '../src/db/database-url.ts';
import { applyMigrations } from '../src/db/migrator.ts';

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

/** Runs `work` on the database and exits with the code it returns (1 if it throws). */
export async function runWithDatabase(config: Config, work: (db: Database) => Promise<number>): Promise<never> {
  const location = await locateDatabaseOrExit(config);
  let code = 1;
  try {
    await applyMigrations(location.url);
    const db = createDatabase(location.url, { max: 2 });
    try {
      code = await work(db);
    } finally {
      await db.close();
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  } finally {
    await location.stop();
  }
  // Explicit: something in the migration engine's teardown resets process.exitCode.
  process.exit(code);
}
