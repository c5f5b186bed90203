// The database handle the app is given: a pg pool shared by Prisma (through its driver adapter)
// and by the few places that need the driver itself, and a second, small one for staff's work.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  /**
   * Staff's work (exports, reports, the dashboard, admin keys): a small pool of its own, so that
   * however long an export streams or however many run, it never holds a connection that donors
   * or Stripe's webhooks need.
   */
  admin: { prisma: PrismaClient; pool: pg.Pool };
  url: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  max?: number;
  /** Size of the admin pool (exports hold one connection each while they stream). */
  adminMax?: number;
  /** Called for errors on idle clients (a restarted server), which would otherwise crash Node. */
  onPoolError?: (error: Error) => void;
}

export const ADMIN_POOL_SIZE = 4;

function openPool(url: string, max: number, applicationName: string, onPoolError?: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: applicationName,
  });
  pool.on('error', (error) => onPoolError?.(error));
  // A connection the server ends (a restart: 57P01) while it is checked out between two queries
  // has no listener of the pool's, and an 'error' event without a listener ends the process.
  // Every client gets one for its whole life; the queries on it still fail and are retried.
  pool.on('connect', (client) => {
    client.on('error', (error) => onPoolError?.(error));
  });
  return pool;
}

export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = openPool(url, options.max ?? 10, 'donations', options.onPoolError);
  const adminPool = openPool(url, options.adminMax ?? ADMIN_POOL_SIZE, 'donations-admin', options.onPoolError);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const adminPrisma = new PrismaClient({ adapter: new PrismaPg(adminPool) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    pool,
    admin: { prisma: adminPrisma, pool: adminPool },
    url,
    close() {
      closed ??= Promise.all([
        prisma.$disconnect().then(() => pool.end()),
        adminPrisma.$disconnect().then(() => adminPool.end()),
      ]).then(() => undefined);
      return closed;
    },
  };
}
