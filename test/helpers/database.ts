// A database of one's own for a test file: a copy of the migrated template, dropped afterwards.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.ts';
import { adminQuery, withDatabase } from './global-setup.ts';

export interface TestDatabase extends Database {
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  const db = createDatabase(withDatabase(adminUrl, name));
  return {
    ...db,
    name,
    async drop() {
      await db.close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Empties every table but the migration history, between tests of one file. */
export async function truncateAll(db: Database): Promise<void> {
  await db.pool.query(`
    TRUNCATE campaigns, campaign_total_shards, pledges, payments, payouts, webhook_events, admin_keys, email_outbox
    RESTART IDENTITY CASCADE`);
}
