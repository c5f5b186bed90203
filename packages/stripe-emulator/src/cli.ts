/**
 * Runs the emulator on its own (`npm run emulator`) so several app instances can share one fake Stripe:
 * point them at it with STRIPE_API_HOST/PORT/PROTOCOL and any sk_test_ key.
 *
 * Test knobs (used by the chaos run, test/chaos/run.ts; all optional, off by default):
 *   STRIPE_EMULATOR_RETRY_DELAYS_MS  comma-separated ms between delivery attempts (default: Stripe-like backoff)
 *   STRIPE_EMULATOR_DUPLICATE_RATE   extra copies per event: 0..1 = chance of one; 1.5 = one plus a 50% chance of another
 *   STRIPE_EMULATOR_REORDER          on = deliveries are shuffled
 *   STRIPE_EMULATOR_MAX_IN_FLIGHT    deliveries in flight at once (default 8)
 * Started with an IPC channel (child_process `stdio: [..., 'ipc']`), the message {type: 'flush'} is
 * answered with {type: 'flushed'} once no delivery is in flight or waiting for a retry.
 */
import { pino } from 'pino';
import { EmulatorConfigError, loadEmulatorConfig, type EmulatorCliConfig } from './config.ts';
import { createStripeEmulator } from './index.ts';
import { newSecret } from './ids.ts';

function loadOrExit(): EmulatorCliConfig {
  try {
    return loadEmulatorConfig();
  } catch (err) {
    if (!(err instanceof EmulatorConfigError)) throw err;
    pino({ name: 'stripe-emulator' }).fatal({ problems: err.problems }, err.message);
    process.exit(1);
  }
}

const config = loadOrExit();
const logger = pino({ name: 'stripe-emulator', level: config.logLevel });
const urls = config.webhookUrls;
let secret = config.webhookSecret;
if (!secret) {
  secret = newSecret('whsec', 32);
  logger.warn({ webhookSecret: secret }, 'STRIPE_WEBHOOK_SECRET not set; generated one for this run: give it to the app');
}

const emulator = createStripeEmulator({
  retry: config.retryDelaysMs && { delaysMs: config.retryDelaysMs },
  maxInFlight: config.maxInFlight,
  port: config.port,
  host: config.host,
  webhookSecret: secret,
  webhookUrls: urls,
  deliverWebhooks: config.deliverWebhooks,
  publicUrl: config.publicUrl,
  logger,
});

const { chaos } = config;
if (chaos.duplicate > 0 || chaos.reorder) emulator.setDeliveryChaos(chaos);

await emulator.start();
logger.info({ url: emulator.url, webhookUrls: urls, chaos }, 'stripe emulator ready');

if (process.send) {
  process.on('message', (message: { type?: string; id?: unknown }) => {
    if (message?.type !== 'flush') return;
    void emulator.flushDeliveries().then(() => process.send?.({ type: 'flushed', id: message.id }));
  });
  // The parent going away must not leave the emulator behind.
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stripe emulator stopping');
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stripe emulator failed to stop cleanly');
        process.exit(1);
      },
    );
  });
}
