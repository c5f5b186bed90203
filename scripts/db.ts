// `npm run db:migrate` and `npm run db:migration -- NAME`, offline (see src/db/migrator.ts).
import { loadConfig } from '../src/config.ts';
import { locateDatabaseOrExit } from '../src/db/database-url.ts';
import { applyMigrations, createMigration } from '../src/db/migrator.ts';

const [command, name] = process.argv.slice(2);
const config = loadConfig();
const location = await locateDatabaseOrExit(config);
try {
  if (command === 'migrate') {
    const applied = await applyMigrations(location.url);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
  } else if (command === 'migration') {
    if (!name) throw new Error('usage: npm run db:migration -- NAME');
    await applyMigrations(location.url);
    const folder = await createMigration(location.url, name);
    console.log(folder ? `Wrote ${folder}/migration.sql` : 'schema.prisma matches the migrations: nothing to write.');
  } else {
    throw new Error('usage: tsx scripts/db.ts migrate | migration NAME');
  }
  await location.stop();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await location.stop();
  // Explicit: the schema engine's teardown can reset process.exitCode.
  process.exit(1);
}
