// The database handle the app is given: one pg pool, shared by Prisma (through its driver
// adapter) and by the few places that need the driver itself (LISTEN/NOTIFY, streamed exports).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  max?: number;
  /** Called for errors on idle clients (a restarted server), which would otherwise crash Node. */
  onPoolError?: (error: Error) => void;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  // A connection the server ends (a restart: 57P01) while it is checked out between two queries
  // has no listener of the pool's, and an 'error' event without a listener ends the process.
  // Every client gets one for its whole life; the queries on it still fail and are retried.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onPoolError?.(error));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    pool,
    url,
    close() {
      closed ??= prisma.$disconnect().then(() => pool.end());
      return closed;
    },
  };
}
