// The system under attack, as production runs it: the built app (node dist/src/main.js,
// NODE_ENV=production, default limits, TRUST_PROXY=0) against the standalone Stripe emulator
// (`npm run emulator`, signing with STRIPE_WEBHOOK_SECRET) and an embedded PostgreSQL in a
// temporary folder. An admin key is minted with the admin CLI, the campaign made through the
// admin API, and a year of payments written in bulk so an export is larger than socket buffers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { startChaosPostgres, type ChaosPostgres } from '../../chaos/lib/postgres.ts';
import { startChild, waitForHttp, type Child } from '../../chaos/lib/processes.ts';
import { reservePorts, startEmulator, type Emulator } from '../../chaos/lib/stack.ts';

export const ABUSE_WEBHOOK_SECRET = 'whsec_abuse_0123456789abcdef0123456789ab';
export const ABUSE_SECRET_KEY = 'sk_test_abuse';
/** The run sets STRIPE_ACCOUNT_ID, so events naming another account are one of the attacks. */
export const ABUSE_ACCOUNT_ID = 'acct_1AbuseRunNewsroom';
export const CAMPAIGN = 'last-night';
const ARCHIVE_PAYMENTS = 100_000;

export interface Stack {
  appUrl: string;
  emulatorUrl: string;
  app: Child;
  emulator: Emulator;
  postgres: ChaosPostgres;
  databaseUrl: string;
  adminKey: string;
  stop(): Promise<void>;
}

const run = promisify(execFile);

export async function startStack(logDir: string, say: (line: string) => void): Promise<Stack> {
  const postgres = await startChaosPostgres(() => {});
  const [appPort] = await reservePorts(1);
  const appUrl = `http://127.0.0.1:${appPort}`;
  const emulator = await startEmulator([appUrl], { duplicateRate: 0, reorder: false, retryDelaysMs: [500, 1_000, 2_000], maxInFlight: 8 }, logDir);
  const stripe = new URL(emulator.url);
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.ABUSE_LOG_LEVEL ?? 'warn',
    PORT: String(appPort),
    PUBLIC_URL: appUrl,
    DATABASE_URL: postgres.url,
    STRIPE_SECRET_KEY: ABUSE_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: ABUSE_WEBHOOK_SECRET,
    STRIPE_ACCOUNT_ID: ABUSE_ACCOUNT_ID,
    STRIPE_API_HOST: stripe.hostname,
    STRIPE_API_PORT: stripe.port,
    STRIPE_API_PROTOCOL: 'http',
    TRUST_PROXY: '0',
    // The attacks are on the HTTP surface; email is held to its own tests (test/integration/email/).
    RECEIPTS: 'off',
    // Memory as the Dockerfile sets it.
    MALLOC_ARENA_MAX: '2',
    MALLOC_TRIM_THRESHOLD_: '131072',
    MALLOC_MMAP_THRESHOLD_: '131072',
    NODE_OPTIONS: '--max-semi-space-size=4',
  };
  const app = startChild('app', 'dist/src/main.js', [], env, { logDir });
  await waitForHttp(`${appUrl}/readyz`, app, 90_000);
  say(`app ${appUrl} (pid ${app.process.pid}), emulator ${emulator.url}, PostgreSQL ${new URL(postgres.url).port}`);

  const { stdout } = await run(process.execPath, ['dist/scripts/admin.js', 'create-key', '--label', 'abuse run'], { env: { ...process.env, ...env } });
  const adminKey = stdout.trim().split('\n').pop()!.trim();
  if (!adminKey.startsWith('dk_')) throw new Error(`no admin key from the CLI:\n${stdout}`);

  const now = Date.now();
  const res = await fetch(`${appUrl}/api/admin/campaigns`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      slug: CAMPAIGN, title: 'Last night of the year-end campaign', goal: 50_000_000, currency: 'usd',
      startsAt: new Date(now - 30 * 86_400_000).toISOString(), endsAt: new Date(now + 86_400_000).toISOString(), presetAmounts: [2500, 5000, 10000],
    }),
  });
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${await res.text()}`);
  await seedArchive(postgres.url);
  say(`campaign ${CAMPAIGN}, ${ARCHIVE_PAYMENTS.toLocaleString('en-US')} archived payments for the exports`);

  return {
    appUrl, emulatorUrl: emulator.url, app, emulator, postgres, databaseUrl: postgres.url, adminKey,
    async stop() {
      await app.stop();
      await emulator.child.stop();
      await postgres.stop();
    },
  };
}

/** Payments of a past campaign, in bulk (the totals trigger paused: they are not the live total). */
async function seedArchive(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `INSERT INTO campaigns (slug, title, goal, currency, starts_at, ends_at, preset_amounts)
       VALUES ('last-year', 'Last year', 100000000, 'usd', now() - interval '400 days', now() - interval '300 days', '{2500}') RETURNING id`,
    );
    const campaignId = rows[0].id as string;
    const pledge = await client.query(
      `INSERT INTO pledges (campaign_id, amount, currency, frequency, email, name, status)
       VALUES ($1, 5000, 'usd', 'once', 'archive@example.org', 'Archive', 'completed') RETURNING id`,
      [campaignId],
    );
    await client.query('ALTER TABLE payments DISABLE TRIGGER USER');
    await client.query(
      `INSERT INTO payments (pledge_id, campaign_id, status, currency, amount, fee, net, stripe_payment_intent_id, paid_at)
       SELECT $1, $2, 'succeeded', 'usd', 5000, 175, 4825, 'pi_archive_' || i, now() - interval '350 days' + i * interval '1 second'
       FROM generate_series(1, ${ARCHIVE_PAYMENTS}) i`,
      [pledge.rows[0].id, campaignId],
    );
    await client.query('ALTER TABLE payments ENABLE TRIGGER USER');
  } finally {
    await client.end();
  }
}
