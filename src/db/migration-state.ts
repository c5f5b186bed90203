// Whether a database already has exactly the migrations of prisma/migrations, asked in one SQL
// query: the start of an up-to-date instance then skips the schema engine (tens of MB of
// WebAssembly, about a second to load) altogether. Prisma records each migration's checksum as the
// SHA-256 of its migration.sql (test/integration/migrations.test.ts checks that), so a changed,
// missing, extra, failed or half-applied migration all read as "not up to date", and the engine
// then does what it always does.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT } from '../project-root.ts';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma/migrations');

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly engineLog: string[],
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** The migration folders' names, sorted, as the schema engine orders them. */
export async function migrationFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

const HAS_HISTORY = `
  SELECT to_regclass('_prisma_migrations') IS NOT NULL AS has_table`;
const SAME_HISTORY = `
  WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(name, checksum)),
       live AS (SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL)
  SELECT NOT EXISTS (SELECT 1 FROM wanted w WHERE NOT EXISTS (
           SELECT 1 FROM live l WHERE l.migration_name = w.name AND l.checksum = w.checksum AND l.finished_at IS NOT NULL))
     AND NOT EXISTS (SELECT 1 FROM live l WHERE l.finished_at IS NULL
           OR NOT EXISTS (SELECT 1 FROM wanted w WHERE w.name = l.migration_name AND w.checksum = l.checksum)) AS same`;

/** True when every migration in `dir` is applied, unchanged, and nothing else is (or failed). */
export async function migrationsUpToDate(url: string, dir = MIGRATIONS_DIR): Promise<boolean> {
  const names = await migrationFolders(dir);
  const checksums = await Promise.all(
    names.map(async (name) => createHash('sha256').update(await readFile(path.join(dir, name, 'migration.sql'))).digest('hex')),
  ).catch(() => null);
  if (!checksums) return false; // a folder without its migration.sql: the engine says what is wrong
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (!(await client.query(HAS_HISTORY)).rows[0].has_table) return false;
    return (await client.query(SAME_HISTORY, [names, checksums])).rows[0].same === true;
  } finally {
    await client.end();
  }
}
