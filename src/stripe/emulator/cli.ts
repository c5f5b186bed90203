/**
 * Runs the emulator on its own (`npm run emulator`) so several app instances can share one fake Stripe:
 * point them at it with STRIPE_API_HOST/PORT/PROTOCOL and any sk_test_ key.
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

const emulator = createStripeEmulator({
  port: parsePort(process.env.STRIPE_EMULATOR_PORT),
  host: process.env.STRIPE_EMULATOR_HOST || '127.0.0.1',
  webhookSecret: secret,
  webhookUrls: urls,
  deliverWebhooks: parseWebhooksFlag(process.env.STRIPE_EMULATOR_WEBHOOKS),
  publicUrl: process.env.STRIPE_EMULATOR_PUBLIC_URL || undefined,
  logger,
});

await emulator.start();
logger.info({ url: emulator.url, webhookUrls: urls }, 'stripe emulator ready');

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
