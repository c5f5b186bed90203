// The benchmark's PostgreSQL: BENCH_DATABASE_URL's server, or an embedded one with normal
// durability (fsync on: the product is measured as it runs, not with relaxed settings).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { applyMigrations } from '../../src/db/migrator.ts';

export interface BenchPostgres {
  adminUrl: string;
  /** A new, empty database; migrated unless `migrate` is false. */
  createDatabase(name: string, options?: { migrate?: boolean }): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  let adminUrl = process.env.BENCH_DATABASE_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'donations-bench-pg-'));
    await chmod(dir, 0o777);
    const server = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'data'),
      database: 'postgres',
      durable: true,
    });
    adminUrl = server.adminUrl;
    stop = async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const admin = adminUrl;
  return {
    adminUrl: admin,
    async createDatabase(name, options = {}) {
      await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await query(admin, `CREATE DATABASE ${name}`);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      if (options.migrate !== false) await applyMigrations(url.toString());
      return url.toString();
    },
    stop,
  };
}

export async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
