// The system under test as it runs in production: the Stripe emulator in its own process (as
// Stripe), two app instances (src/main.ts, NODE_ENV=production) behind it sharing one database.
import { freePort } from '../../../src/db/embedded-postgres.ts';
import { startChild, waitForHttp, type Child } from './processes.ts';

export const CHAOS_WEBHOOK_SECRET = 'whsec_chaos_0123456789abcdef0123456789';
export const CHAOS_SECRET_KEY = 'sk_test_chaos';

/** What the emulator's log says about deliveries (one JSON line per attempt). */
export interface DeliveryStats {
  delivered: number;
  failedAttempts: number;
  gaveUp: number;
  perEvent: Map<string, number>;
  perUrl: Map<string, number>;
  failuresByReason: Map<string, number>;
}

export interface Emulator {
  url: string;
  child: Child;
  stats: DeliveryStats;
  /** Resolves once no delivery is in flight or waiting for a retry. */
  flush(timeoutMs?: number): Promise<void>;
}

export interface Chaos {
  duplicateRate: number;
  reorder: boolean;
  retryDelaysMs: number[];
  maxInFlight: number;
}

export async function startEmulator(appUrls: string[], chaos: Chaos, logDir: string): Promise<Emulator> {
  const port = await freePort();
  const stats: DeliveryStats = {
    delivered: 0, failedAttempts: 0, gaveUp: 0, perEvent: new Map(), perUrl: new Map(), failuresByReason: new Map(),
  };
  const onLine = (line: string) => {
    if (!line.includes('stripe emulator webhook')) return;
    let entry: { msg?: string; eventId?: string; url?: string; failure?: string };
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (entry.msg === 'stripe emulator webhook delivered') {
      stats.delivered++;
      stats.perEvent.set(entry.eventId!, (stats.perEvent.get(entry.eventId!) ?? 0) + 1);
      stats.perUrl.set(entry.url!, (stats.perUrl.get(entry.url!) ?? 0) + 1);
    } else if (entry.msg === 'stripe emulator webhook failed, will retry') {
      stats.failedAttempts++;
      const reason = (entry.failure ?? 'unknown').replace(/\d{4,}/g, 'N');
      stats.failuresByReason.set(reason, (stats.failuresByReason.get(reason) ?? 0) + 1);
    } else if (entry.msg === 'stripe emulator webhook gave up') {
      stats.gaveUp++;
    }
  };
  const child = startChild(
    'emulator',
    'packages/stripe-emulator/src/cli.ts',
    [],
    {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      STRIPE_EMULATOR_PORT: String(port),
      STRIPE_WEBHOOK_SECRET: CHAOS_WEBHOOK_SECRET,
      STRIPE_EMULATOR_WEBHOOKS: 'on',
      STRIPE_EMULATOR_WEBHOOK_URLS: appUrls.map((u) => `${u}/webhooks/stripe`).join(','),
      STRIPE_EMULATOR_DUPLICATE_RATE: String(chaos.duplicateRate),
      STRIPE_EMULATOR_REORDER: chaos.reorder ? 'on' : 'off',
      STRIPE_EMULATOR_RETRY_DELAYS_MS: chaos.retryDelaysMs.join(','),
      STRIPE_EMULATOR_MAX_IN_FLIGHT: String(chaos.maxInFlight),
    },
    { logDir, ipc: true, onLine },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/v1/events`, child, 60_000, true);
  let nextId = 0;
  return {
    url,
    child,
    stats,
    flush(timeoutMs = 480_000) {
      const id = ++nextId;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.process.off('message', onMessage);
          reject(new Error(`emulator deliveries still busy after ${timeoutMs} ms`));
        }, timeoutMs);
        const onMessage = (message: { type?: string; id?: number }) => {
          if (message?.type !== 'flushed' || message.id !== id) return;
          clearTimeout(timer);
          child.process.off('message', onMessage);
          resolve();
        };
        child.process.on('message', onMessage);
        child.process.send({ type: 'flush', id });
      });
    },
  };
}

export interface AppInstance {
  name: string;
  port: number;
  url: string;
  child: Child;
  starts: number;
  /** SIGKILL, then the same command on the same port again; returns ms until it answered /readyz. */
  crashAndRestart(): Promise<{ downMs: number }>;
  stop(): Promise<void>;
}

export function appEnv(port: number, databaseUrl: string, emulatorUrl: string, smtpUrl: string): Record<string, string> {
  const stripe = new URL(emulatorUrl);
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    // One public site behind a load balancer: every instance has the same PUBLIC_URL.
    PUBLIC_URL: 'http://donate.chaos.test',
    DATABASE_URL: databaseUrl,
    STRIPE_SECRET_KEY: CHAOS_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: CHAOS_WEBHOOK_SECRET,
    // Production mode needs a mail server: the runner's SMTP catcher, which counts the receipts.
    SMTP_URL: smtpUrl,
    STRIPE_API_HOST: stripe.hostname,
    STRIPE_API_PORT: stripe.port,
    STRIPE_API_PROTOCOL: 'http',
    PLEDGE_RATE_LIMIT_PER_MINUTE: '1000000',
    PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
  };
}

export async function reservePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export async function startApp(
  name: string, port: number, databaseUrl: string, emulatorUrl: string, logDir: string, smtpUrl: string,
): Promise<AppInstance> {
  const env = appEnv(port, databaseUrl, emulatorUrl, smtpUrl);
  const url = `http://127.0.0.1:${port}`;
  const launch = async () => {
    const child = startChild(name, 'src/main.ts', [], env, { logDir });
    await waitForHttp(`${url}/readyz`, child, 90_000);
    return child;
  };
  const app: AppInstance = {
    name,
    port,
    url,
    child: await launch(),
    starts: 1,
    async crashAndRestart() {
      const began = Date.now();
      await app.child.kill('SIGKILL');
      app.child = await launch();
      app.starts++;
      return { downMs: Date.now() - began };
    },
    stop: () => app.child.stop(),
  };
  return app;
}
