// The app as tests drive it: real database, the real Stripe SDK (against the emulator, or against
// a closed port where Stripe is not the point), silent or captured logs, a fixed clock if wanted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/client.ts';
import { createLogger } from '../../src/logger.ts';
import { createFeeFiller, type FeeFiller } from '../../src/payments/fee-filler.ts';
import { createPaymentRepository } from '../../src/payments/payment-repository.ts';
import { createLedgerGateway } from '../../src/stripe/stripe-ledger-gateway.ts';
import { createStripeClient } from '../../src/stripe/stripe-client.ts';
import { createStripeEmulator, type EmulatorOptions, type StripeEmulator } from 'stripe-emulator';

export const TEST_WEBHOOK_SECRET = 'whsec_test_secret_for_the_app_0123456789';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://donate.test',
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    PLEDGE_RATE_LIMIT_PER_MINUTE: '1000',
    PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '10000',
    DIGEST_RATE_LIMIT_PER_MINUTE: '1000',
    DIGEST_RATE_LIMIT_GLOBAL_PER_MINUTE: '100000',
    ...env,
  });
}

export function captureLogs(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger(level, stream), entries: () => lines.map((l) => JSON.parse(l)) };
}

/** A Stripe client for tests that never reach Stripe: nothing listens on port 9. */
export function unreachableStripe() {
  return createStripeClient({ secretKey: 'sk_test_unreachable', host: '127.0.0.1', port: 9, protocol: 'http', maxNetworkRetries: 0, timeoutMs: 1000 });
}

export function emulatorStripe(emulator: StripeEmulator, timeoutMs = 3000) {
  return createStripeClient({
    secretKey: 'sk_test_emulator', host: '127.0.0.1', port: emulator.port, protocol: 'http', timeoutMs, maxNetworkRetries: 1,
  });
}

export type TestApp = ReturnType<typeof createApp> & { fees: FeeFiller };

/** The app, with its fee filler at hand so a test can wait for fees read after a webhook. */
export function buildApp(db: Database, overrides: Partial<AppDeps> = {}): TestApp {
  const stripe = overrides.stripe ?? unreachableStripe();
  const logger = overrides.logger ?? createLogger('silent');
  const fees =
    overrides.fees ?? createFeeFiller({ gateway: createLedgerGateway(stripe), store: createPaymentRepository(db.prisma), logger });
  const app = createApp({
    config: testConfig(),
    db,
    logger,
    stripe,
    checkoutOrigin: 'http://127.0.0.1:9',
    webhookSecret: TEST_WEBHOOK_SECRET,
    ...overrides,
    fees,
  });
  return Object.assign(app, { fees });
}

export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<StripeEmulator> {
  const emulator = createStripeEmulator({
    port: 0,
    webhookSecret: TEST_WEBHOOK_SECRET,
    webhookUrls: [],
    deliverWebhooks: false,
    retry: { delaysMs: [50, 100, 200] },
    ...options,
  });
  await emulator.start();
  return emulator;
}

/** The app listening on a real port (for the emulator's webhook deliveries and browser tests). */
export async function listen(app: http.RequestListener): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
