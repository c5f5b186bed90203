// `npm run admin -- ...`: admin keys (see src/admin/admin-cli.ts). Same database as the app:
// DATABASE_URL, else the embedded PostgreSQL in .data/postgres; migrations first.
import { runAdminCli } from '../src/admin/admin-cli.ts';
import { loadConfig } from '../src/config.ts';
import { runWithDatabase } from './command-runner.ts';

await runWithDatabase(loadConfig(), (db) =>
  runAdminCli(process.argv.slice(2), db, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }),
);
