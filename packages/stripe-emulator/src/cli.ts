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
import { createStripeEmulator } from './index.ts';
import { newSecret } from './ids.ts';

const logger = pino({ name: 'stripe-emulator', level: process.env.LOG_LEVEL ?? 'info' });

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 12111;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    logger.fatal({ STRIPE_EMULATOR_PORT: raw }, 'STRIPE_EMULATOR_PORT must be an integer between 0 and 65535');
    process.exit(1);
  }
  return port;
}

function parseWebhooksFlag(raw: string | undefined): boolean {
  const v = (raw ?? 'on').toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(v)) return true;
  if (['off', 'false', '0', 'no'].includes(v)) return false;
  logger.fatal({ STRIPE_EMULATOR_WEBHOOKS: raw }, 'STRIPE_EMULATOR_WEBHOOKS must be on or off');
  process.exit(1);
}

const urls = (process.env.STRIPE_EMULATOR_WEBHOOK_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
for (const u of urls) {
  try {
    new URL(u);
  } catch {
    logger.fatal({ url: u }, 'STRIPE_EMULATOR_WEBHOOK_URLS holds an invalid URL');
    process.exit(1);
  }
}
let secret = process.env.STRIPE_WEBHOOK_SECRET ?? '';
if (!secret) {
  secret = newSecret('whsec', 32);
  logger.warn({ webhookSecret: secret }, 'STRIPE_WEBHOOK_SECRET not set; generated one for this run: give it to the app');
}

function parseRetryDelays(raw: string | undefined): { delaysMs: number[] } | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const delaysMs = raw.split(',').map((d) => Number(d.trim()));
  if (delaysMs.some((d) => !Number.isInteger(d) || d < 0)) {
    logger.fatal({ STRIPE_EMULATOR_RETRY_DELAYS_MS: raw }, 'STRIPE_EMULATOR_RETRY_DELAYS_MS must be comma-separated non-negative integers');
    process.exit(1);
  }
  return { delaysMs };
}

function parseDuplicateRate(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const rate = Number(raw);
  if (!Number.isFinite(rate) || rate < 0 || rate > 5) {
    logger.fatal({ STRIPE_EMULATOR_DUPLICATE_RATE: raw }, 'STRIPE_EMULATOR_DUPLICATE_RATE must be a number between 0 and 5');
    process.exit(1);
  }
  return rate;
}

const maxInFlight = process.env.STRIPE_EMULATOR_MAX_IN_FLIGHT ? Number(process.env.STRIPE_EMULATOR_MAX_IN_FLIGHT) : undefined;
if (maxInFlight !== undefined && (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 256)) {
  logger.fatal({ STRIPE_EMULATOR_MAX_IN_FLIGHT: process.env.STRIPE_EMULATOR_MAX_IN_FLIGHT }, 'STRIPE_EMULATOR_MAX_IN_FLIGHT must be an integer between 1 and 256');
  process.exit(1);
}

const emulator = createStripeEmulator({
  retry: parseRetryDelays(process.env.STRIPE_EMULATOR_RETRY_DELAYS_MS),
  maxInFlight,
  port: parsePort(process.env.STRIPE_EMULATOR_PORT),
  host: process.env.STRIPE_EMULATOR_HOST || '127.0.0.1',
  webhookSecret: secret,
  webhookUrls: urls,
  deliverWebhooks: parseWebhooksFlag(process.env.STRIPE_EMULATOR_WEBHOOKS),
  publicUrl: process.env.STRIPE_EMULATOR_PUBLIC_URL || undefined,
  logger,
});

const chaos = {
  duplicate: parseDuplicateRate(process.env.STRIPE_EMULATOR_DUPLICATE_RATE),
  reorder: ['on', 'true', '1', 'yes'].includes((process.env.STRIPE_EMULATOR_REORDER ?? '').toLowerCase()),
};
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
