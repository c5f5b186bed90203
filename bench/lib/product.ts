// The product as it runs in production: src/main.ts in its own process, NODE_ENV=production,
// talking to a Stripe emulator process as it would to Stripe.
import { freePort } from '../../src/db/embedded-postgres.ts';
import { startSmtpCatcher } from '../../src/email/smtp-catcher.ts';
import { startServer, type Server } from './processes.ts';

export const BENCH_WEBHOOK_SECRET = 'whsec_bench_secret_0123456789abcdef';

export async function startEmulatorProcess(webhookUrls: string[] = []): Promise<Server> {
  const port = String(await freePort());
  return startServer(
    'packages/stripe-emulator/src/cli.ts',
    {
      PORT: port,
      STRIPE_EMULATOR_PORT: port,
      STRIPE_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      STRIPE_EMULATOR_WEBHOOKS: webhookUrls.length ? 'on' : 'off',
      STRIPE_EMULATOR_WEBHOOK_URLS: webhookUrls.join(','),
    },
    { readyPath: '/v1/events', anyResponse: true },
  );
}

/** The environment the product runs with in production (as the Docker image sets it). */
export function productEnv(databaseUrl: string, stripeUrl: string, smtpUrl: string): Record<string, string> {
  const stripe = new URL(stripeUrl);
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    STRIPE_API_HOST: stripe.hostname,
    STRIPE_API_PORT: stripe.port,
    STRIPE_API_PROTOCOL: 'http',
    MALLOC_ARENA_MAX: '2', // as the Dockerfile sets it
    PLEDGE_RATE_LIMIT_PER_MINUTE: '1000000',
    PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    SMTP_URL: smtpUrl,
    LOG_LEVEL: 'info', // one line a request, as production logs
  };
}

export async function startProduct(databaseUrl: string, stripeUrl: string, extraEnv: Record<string, string> = {}): Promise<Server> {
  // Production sends receipts, so the product is measured with them: a real SMTP server takes
  // them (keeping none, so the harness stays light).
  const smtp = await startSmtpCatcher({ keep: 0 });
  // As the Docker image runs it: compiled (bench/run.ts builds first), NODE_ENV=production.
  const server = await startServer('dist/src/main.js', {
    PORT: String(await freePort()),
    ...productEnv(databaseUrl, stripeUrl, smtp.url),
    ...extraEnv,
  }).catch(async (error: unknown) => {
    await smtp.close();
    throw error;
  });
  return {
    ...server,
    async stop() {
      await server.stop();
      await smtp.close();
    },
  };
}

export async function startBaseline(script: string, env: Record<string, string> = {}): Promise<Server> {
  return startServer(script, { PORT: String(await freePort()), ...env });
}
