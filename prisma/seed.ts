// `npm run db:seed`: creates the end-of-year campaign when no campaign exists.
import { campaignSeedFor } from '../src/campaigns/index.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/client.ts';
import { locateDatabaseOrExit } from '../src/db/database-url.ts';
import { applyMigrations } from '../src/db/migrator.ts';

const config = loadConfig();
const location = await locateDatabaseOrExit(config);
try {
  await applyMigrations(location.url);
  const db = createDatabase(location.url);
  const created = await campaignSeedFor(db);
  await db.close();
  console.log(created ? 'Seeded the end-of-year campaign.' : 'A campaign exists already: nothing to seed.');
} finally {
  await location.stop();
}
