// Which Stripe the service talks to: the real one (keys given), one pointed at by
// STRIPE_API_HOST (a shared emulator), or, in development and tests without keys, the emulator
// started in-process. Never the emulator in production (config refuses to start without keys).
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { usesStripeEmulator, type Config } from '../config.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { createStripeClient, stripeOptionsFromConfig } from './stripe-client.ts';

export interface StripeSetup {
  stripe: Stripe;
  webhookSecret: string;
  checkoutOrigin: string;
  emulator?: StripeEmulator;
  stop(): Promise<void>;
}

export async function setUpStripe(config: Config, logger: Logger): Promise<StripeSetup> {
  if (!usesStripeEmulator(config)) {
    const secretKey = config.stripe.secretKey ?? 'sk_test_emulator';
    const { host, port, protocol } = stripeOptionsFromConfig(config, secretKey);
    if (!config.stripe.webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
    return {
      stripe: createStripeClient(stripeOptionsFromConfig(config, secretKey)),
      webhookSecret: config.stripe.webhookSecret,
      checkoutOrigin: host ? `${protocol ?? 'https'}://${host}${port ? `:${port}` : ''}` : 'https://checkout.stripe.com',
      stop: async () => {},
    };
  }
  const webhookSecret = config.stripe.webhookSecret ?? `whsec_${randomBytes(24).toString('base64url').replace(/-/g, '_')}`;
  // Loaded only here: production never runs it, so it never loads it either.
  const { createStripeEmulator } = await import('stripe-emulator');
  const emulator = createStripeEmulator({
    port: config.emulator.port,
    webhookSecret,
    webhookUrls: [`http://127.0.0.1:${config.port}/webhooks/stripe`],
    deliverWebhooks: config.emulator.deliverWebhooks,
    logger: logger.child({ component: 'stripe-emulator' }),
  });
  await emulator.start();
  logger.info({ url: emulator.url, webhooks: config.emulator.deliverWebhooks }, 'Stripe emulator started (no Stripe keys set)');
  return {
    stripe: createStripeClient({ secretKey: 'sk_test_emulator', host: '127.0.0.1', port: emulator.port, protocol: 'http' }),
    webhookSecret,
    checkoutOrigin: emulator.url,
    emulator,
    stop: () => emulator.stop(),
  };
}
