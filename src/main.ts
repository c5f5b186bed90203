// Composition root: config -> database -> app -> listen. Everything is created here and passed
// down; SIGTERM/SIGINT close it all in reverse order.
import type { Server } from 'node:http';
import { createApp } from './app.ts';
import { campaignSeedFor } from './campaigns/index.ts';
import { createProgressHub } from './campaigns/progress-hub.ts';
import { ConfigError, loadConfig, usesStripeEmulator } from './config.ts';
import { createDatabase } from './db/client.ts';
import { locateDatabase } from './db/database-url.ts';
import { applyMigrations } from './db/migrator.ts';
import { createLogger } from './logger.ts';
import { setUpStripe } from './stripe/stripe-setup.ts';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const startedAt = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const cleanups: Array<() => Promise<void>> = [];
  let server: Server | undefined;
  let shuttingDown = false;

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    if (server) {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => logger.error({ err: error }, 'error during shutdown'));
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    const location = await locateDatabase(config, (message) => logger.debug({ postgres: message }));
    cleanups.push(() => location.stop());
    if (location.embedded) logger.info({ dataDir: '.data/postgres' }, 'embedded PostgreSQL started');

    const applied = await applyMigrations(location.url);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

    const db = createDatabase(location.url, { onPoolError: (err) => logger.warn({ err }, 'idle database connection lost') });
    cleanups.push(() => db.close());
    const demo = usesStripeEmulator(config);
    if (await campaignSeedFor(db, { demo })) {
      logger.info(demo ? 'seeded the end-of-year campaign and a demo campaign open now' : 'seeded the end-of-year campaign');
    }

    const payments = await setUpStripe(config, logger);
    cleanups.push(() => payments.stop());

    const progressHub = createProgressHub({ url: location.url, logger });
    cleanups.push(() => progressHub.close());

    const app = createApp({
      config, db, logger, stripe: payments.stripe, checkoutOrigin: payments.checkoutOrigin, webhookSecret: payments.webhookSecret,
      progressHub,
    });
    server = app.listen(config.port);
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve).once('error', reject);
    });
    logger.info(
      { port: config.port, url: config.publicUrl, startupMs: Math.round(performance.now() - startedAt) },
      `ready: open ${config.publicUrl}/`,
    );
  } catch (error) {
    logger.fatal({ err: error }, 'failed to start');
    shuttingDown = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(1);
  }
}

void main();
