// Composition root: config -> database -> app -> listen. Everything is created here and passed
// down; SIGTERM/SIGINT close it all in reverse order.
import './wasm-tiering.ts'; // first: before any WebAssembly is compiled (see the file)
import type { Server, ServerResponse } from 'node:http';
import { createApp } from './app.ts';
import { campaignSeedFor } from './campaigns/index.ts';
import { createProgressHub } from './campaigns/progress-hub.ts';
import { ConfigError, loadConfig, usesStripeEmulator } from './config.ts';
import { createDatabase } from './db/client.ts';
import { locateDatabase } from './db/database-url.ts';
import { applyMigrationsIsolated } from './db/migrate-isolated.ts';
import { createHttpServer } from './http/server.ts';
import { startEmail } from './email/email-setup.ts';
import { createLogger, stdoutDestination } from './logger.ts';
import { createMetrics } from './metrics/metrics.ts';
import { startMetricsServer } from './metrics/metrics-routes.ts';
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
  const logger = createLogger(config.logLevel, stdoutDestination());
  const cleanups: Array<() => Promise<void>> = [];
  let server: Server | undefined;
  let shuttingDown = false;
  // Responses in progress: live event streams never end by themselves, so shutdown ends them.
  // Not http-terminator or stoppable: Node's own close/closeIdleConnections do their socket work,
  // and neither ends an event stream cleanly: they wait out a timeout, then cut every socket.
  const inFlight = new Set<ServerResponse>();

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
      const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
      server.closeIdleConnections();
      // An EventSource reconnects by itself, to an instance that is not stopping. Swept again until
      // closed: a stream whose first read was still waiting on the database starts later.
      const endStreams = () => {
        for (const res of inFlight) {
          if (String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream')) res.end();
        }
      };
      endStreams();
      const sweep = setInterval(endStreams, 100);
      await closed;
      clearInterval(sweep);
    }
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => logger.error({ err: error }, 'error during shutdown'));
    }
    logger.info('stopped');
    process.exit(0);
  };
  // SIGHUP too: a closed terminal must not leave the embedded PostgreSQL running without its app.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

  try {
    const location = await locateDatabase(config, (message) => logger.debug({ postgres: message }), { exitOnSignal: false });
    cleanups.push(() => location.stop());
    if (location.embedded) {
      const { joined, ...where } = location.embedded;
      logger.info(where, joined ? 'using the embedded PostgreSQL already running for this data folder' : 'embedded PostgreSQL started');
    }

    const applied = await applyMigrationsIsolated(location.url);
    if (applied.length) logger.info({ migrations: applied }, 'migrations applied');

    const db = createDatabase(location.url, { onPoolError: (err) => logger.warn({ err }, 'idle database connection lost') });
    cleanups.push(() => db.close());
    const demo = usesStripeEmulator(config);
    if (await campaignSeedFor(db, { demo })) {
      logger.info(demo ? 'seeded the end-of-year campaign and a demo campaign open now' : 'seeded the end-of-year campaign');
    }

    const payments = await setUpStripe(config, logger);
    cleanups.push(() => payments.stop());

    const email = await startEmail(config, db, logger);
    cleanups.push(() => email.stop());

    const progressHub = createProgressHub({ url: location.url, logger });
    cleanups.push(() => progressHub.close());

    const metrics = createMetrics();
    const app = createApp({
      config, db, logger, stripe: payments.stripe, checkoutOrigin: payments.checkoutOrigin, webhookSecret: payments.webhookSecret,
      progressHub, metrics,
    });
    if (config.metricsPort !== undefined) {
      const metricsServer = await startMetricsServer(metrics, config.metricsPort);
      cleanups.push(() => metricsServer.close());
      logger.info({ metricsPort: metricsServer.port }, 'metrics served without a key on their own port: keep it off the internet');
    }
    server = createHttpServer(app, { trustProxy: config.trustProxy, logger });
    server.listen(config.port);
    // Before the app sees the request: during shutdown, each answer closes its keep-alive
    // connection, and a connection that falls idle is closed at once instead of lingering.
    server.prependListener('request', (_req, res: ServerResponse) => {
      inFlight.add(res);
      if (shuttingDown) res.setHeader('Connection', 'close');
      res.on('close', () => {
        inFlight.delete(res);
        if (shuttingDown) setImmediate(() => server?.closeIdleConnections());
      });
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve).once('error', reject);
    });
    logger.info(
      { port: config.port, url: config.publicUrl, startupMs: Math.round(performance.now() - startedAt) },
      `ready: open ${config.publicUrl}/`,
    );
  } catch (error) {
    const port = (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? (error as { port?: number }).port : undefined;
    // The reason in the message itself: it is the line an operator reads.
    const reason = port
      ? `port ${port} is already in use (is the app already running?): stop that process, or set PORT and STRIPE_EMULATOR_PORT to free ports`
      : error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error }, `failed to start: ${reason}`);
    shuttingDown = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    process.exit(1);
  }
}

void main();
