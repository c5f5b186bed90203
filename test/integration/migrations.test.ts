import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applyMigrations, loadMigrationList, MIGRATIONS_DIR } from '../../src/db/migrator.ts';
import { migrationsUpToDate } from '../../src/db/migration-state.ts';
import { adminQuery, withDatabase } from '../helpers/global-setup.ts';

describe('migrations', () => {
  const name = `migrations_${process.pid}`;
  const adminUrl = inject('pgAdminUrl');
  const url = withDatabase(adminUrl, name);
  let client: pg.Client;

  beforeAll(async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name}`);
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('applies every migration to an empty database, then nothing on a second run', async () => {
    expect(await migrationsUpToDate(url)).toBe(false); // no _prisma_migrations yet
    const { migrationDirectories } = await loadMigrationList();
    const all = migrationDirectories.map((m) => m.path);
    expect(all.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual(all);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it('records the history exactly as `prisma migrate deploy` does', async () => {
    const { rows } = await client.query(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name',
    );
    const { migrationDirectories } = await loadMigrationList();
    expect(rows).toHaveLength(migrationDirectories.length);
    for (const [i, row] of rows.entries()) {
      const dir = migrationDirectories[i]!.path;
      const sql = await readFile(path.join(MIGRATIONS_DIR, dir, 'migration.sql'));
      expect(row).toMatchObject({
        migration_name: dir,
        checksum: createHash('sha256').update(sql).digest('hex'),
        rolled_back_at: null,
        applied_steps_count: 1,
        logs: null,
      });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('knows in one query when the history matches the folder, and when it does not', async () => {
    expect(await migrationsUpToDate(url)).toBe(true);
    const last = (await loadMigrationList()).migrationDirectories.at(-1)!.path;
    const change = async (sql: string, undo: string) => {
      await client.query(sql);
      try {
        return await migrationsUpToDate(url);
      } finally {
        await client.query(undo);
      }
    };
    // A migration edited after it was applied.
    expect(await change(`UPDATE _prisma_migrations SET checksum = reverse(checksum) WHERE migration_name = '${last}'`,
      `UPDATE _prisma_migrations SET checksum = reverse(checksum) WHERE migration_name = '${last}'`)).toBe(false);
    // One the folder does not have (a newer release's), and one that failed half-way.
    for (const finished of ['now()', 'NULL']) {
      expect(await change(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'c', '29990101000000_later', ${finished}, 1)`,
        `DELETE FROM _prisma_migrations WHERE id = 'x'`,
      )).toBe(false);
    }
    // One the folder has and the database does not.
    expect(await change(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${last}'`,
      `UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = '${last}'`)).toBe(false);
    expect(await migrationsUpToDate(url)).toBe(true);
  });

  it('creates the domain tables and the totals trigger', async () => {
    const { rows } = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(rows.map((r) => r.table_name)).toEqual([
      '_prisma_migrations', 'admin_keys', 'admin_sessions', 'app_secrets', 'campaign_total_shards', 'campaigns', 'digest_consent_events',
      'digest_subscribers', 'disputes', 'email_outbox', 'invoice_attempts', 'match_allocations', 'match_pools', 'offline_gifts', 'payments',
      'payout_items', 'payouts', 'pledges', 'refund_requests', 'refunds', 'webhook_events',
    ]);
    const trigger = await client.query("SELECT tgname FROM pg_trigger WHERE tgname IN ('payments_roll_up_totals', 'payments_find_payout') ORDER BY 1");
    expect(trigger.rows.map((r) => r.tgname)).toEqual(['payments_find_payout', 'payments_roll_up_totals']);
  });

  it('lets PostgreSQL refuse money that cannot be right', async () => {
    const insertCampaign = (slug: string, goal: number, currency = 'usd') =>
      client.query(
        `INSERT INTO campaigns (slug, title, goal, currency, starts_at, ends_at, preset_amounts)
         VALUES ($1, 't', $2, $3, now(), now() + interval '1 day', '{100}') RETURNING id`,
        [slug, goal, currency],
      );
    await expect(insertCampaign('zero-goal', 0)).rejects.toThrow(/campaigns_goal_positive/);
    await expect(insertCampaign('Bad Slug', 100)).rejects.toThrow(/campaigns_slug_format/);
    await expect(insertCampaign('bad-currency', 100, 'USD')).rejects.toThrow(/campaigns_currency_format/);
    const { rows } = await insertCampaign('fine', 100);
    const campaignId = rows[0].id;
    const insertPledge = (amount: number, coveredFee = 0) =>
      client.query(
        `INSERT INTO pledges (campaign_id, amount, covered_fee, cover_fees, currency, frequency, email)
         VALUES ($1, $2, $3, $4, 'usd', 'once', 'a@b.org') RETURNING id`,
        [campaignId, amount, coveredFee, coveredFee > 0],
      );
    await expect(insertPledge(-5)).rejects.toThrow(/pledges_amount_positive/);
    await expect(insertPledge(100, 100)).rejects.toThrow(/pledges_covered_fee_range/);
    await expect(insertPledge(10.5)).rejects.toThrow(/invalid input syntax for type integer/);
    const pledgeId = (await insertPledge(1000)).rows[0].id;
    const insertPayment = (amount: number, refunded: number, pi: string | null = 'pi_1') =>
      client.query(
        `INSERT INTO payments (pledge_id, campaign_id, status, currency, amount, amount_refunded, stripe_payment_intent_id)
         VALUES ($1, $2, 'succeeded', 'usd', $3, $4, $5)`,
        [pledgeId, campaignId, amount, refunded, pi],
      );
    await expect(insertPayment(1000, 1001)).rejects.toThrow(/payments_refund_range/);
    await expect(insertPayment(1000, 0, null)).rejects.toThrow(/payments_has_stripe_reference/);
    await insertPayment(1000, 0);
    await expect(insertPayment(1000, 0)).rejects.toThrow(/unique/i);

    // A match pool never gives more than its cap; an allocation never more than it first gave.
    const pool = await client.query(
      `INSERT INTO match_pools (campaign_id, sponsor, currency, cap, multiplier, starts_at, ends_at)
       VALUES ($1, 'Sponsor', 'usd', 1000, 1, now(), now() + interval '1 day') RETURNING id`,
      [campaignId],
    );
    await expect(client.query('UPDATE match_pools SET allocated = 1001 WHERE id = $1', [pool.rows[0].id])).rejects.toThrow(/match_pools_allocated_range/);
    await expect(
      client.query(
        `INSERT INTO match_allocations (pool_id, source, source_id, donor_email, currency, gift_amount, original, amount, gift_at)
         VALUES ($1, 'offline', 'check-1', 'a@b.org', 'usd', 500, 500, 501, now())`,
        [pool.rows[0].id],
      ),
    ).rejects.toThrow(/match_allocations_amount_range/);
  });
});

describe('writing a migration', () => {
  it('finds nothing to write when schema.prisma matches the migrations', async () => {
    const { createMigration } = await import('../../src/db/migrator.ts');
    // The engine replays the history on a temporary shadow database on the same server.
    expect(await createMigration(inject('pgAdminUrl'), 'nothing')).toBeNull();
  });
});
