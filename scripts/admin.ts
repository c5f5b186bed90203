// `npm run admin -- ...`: admin keys (see src/admin/admin-cli.ts). Same database as the app:
// DATABASE_URL, else the embedded PostgreSQL in .data/postgres; migrations first.
import { runAdminCli } from '../src/admin/admin-cli.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/client.ts';
import { locateDatabaseOrExit } from '../src/db/database-url.ts';
import { applyMigrations } from '../src/db/migrator.ts';

const config = loadConfig();
const location = await locateDatabaseOrExit(config);
let code = 1;
try {
  await applyMigrations(location.url);
  const db = createDatabase(location.url, { max: 2 });
  try {
    code = await runAdminCli(process.argv.slice(2), db, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
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
