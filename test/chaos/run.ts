// `npm run test:chaos`: a campaign's last night, compressed. Two app instances (src/main.ts,
// production mode) share one real PostgreSQL; the Stripe emulator, in its own process, takes
// 2,000 donations of every kind and delivers their events to both instances, each two or three
// times, shuffled, some at once. Midway PostgreSQL is restarted and one instance is killed with
// SIGKILL and started again. Then failed deliveries are retried, reconcile runs, and everything
// the database says is compared with Stripe's own record, to the cent. Exits non-zero on any
// difference; the last line is `N passed, N failed` for CI.
//
// Knobs: CHAOS_DONATIONS (2000), CHAOS_CONCURRENCY (16), CHAOS_SEED (random), CHAOS_MAX_IN_FLIGHT (16),
// CHAOS_KEEP_LOGS=1 (keep the processes' logs of a passing run), CHAOS_CPU_PROF=<dir> (CPU profiles).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { mapConcurrent } from '../../bench/lib/pool.ts';
import { applyMigrations } from '../../src/db/migrator.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/email/smtp-catcher.ts';
import { createStripeClient } from '../../src/stripe/stripe-client.ts';
import { runChecks, type CheckResult } from './lib/checks.ts';
import { startChaosPostgres, type ChaosPostgres } from './lib/postgres.ts';
import { killAllChildren, sleep } from './lib/processes.ts';
import { appEnv, CHAOS_SECRET_KEY, reservePorts, startApp, startEmulator, type AppInstance, type Emulator } from './lib/stack.ts';
import { checkReceipts, waitOutboxDrained } from './lib/receipts.ts';
import { readStripeRecord } from './lib/stripe-record.ts';
import { makePlans, MIX, rng, runDonation, type CampaignSpec, type Outcome } from './lib/workload.ts';

const DONATIONS = Number(process.env.CHAOS_DONATIONS ?? 2000);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 16);
const SEED = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));
// Deliveries in flight at once (Stripe's own delivery is wide); copies of one event land together.
const MAX_IN_FLIGHT = Number(process.env.CHAOS_MAX_IN_FLIGHT ?? 16);
const PG_RESTART_AT = 0.3;
const APP_KILL_AT = 0.6;
const PG_DOWN_MS = 2_500;
// Stripe's backoff, compressed: long enough in total (~25 s) to outlast a restart.
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 10_000];

const CAMPAIGNS: CampaignSpec[] = [
  { slug: 'chaos-usd-main', currency: 'usd', range: [500, 25_000], share: 50 },
  { slug: 'chaos-usd-local', currency: 'usd', range: [100, 100_000], share: 30 },
  { slug: 'chaos-jpy', currency: 'jpy', range: [50, 30_000], share: 20 },
];

// Matched gifts: a 2x pool that runs dry early in a full run (its last allocations race
// at the cap on both instances, through the restart and the kill), a first-time pool with a
// per-donor cap counting monthly gifts as 12 installments, and a pool that never fills, whose
// every match is checked against Stripe's own figures.
const MATCH_POOLS = [
  { campaign: 'chaos-usd-main', sponsor: 'Chaos Main Sponsor', cap: 3_000_000, perDonorCap: null, multiplier: 2, qualifies: 'all', monthly: 'first_installment', monthlyInstallments: 1 },
  { campaign: 'chaos-usd-local', sponsor: 'Chaos Local Circle', cap: 5_000_000, perDonorCap: 20_000, multiplier: 1, qualifies: 'first_time', monthly: 'installments', monthlyInstallments: 12 },
  { campaign: 'chaos-jpy', sponsor: 'Chaos Yen Fund', cap: 1_000_000_000, perDonorCap: null, multiplier: 3, qualifies: 'all', monthly: 'first_installment', monthlyInstallments: 1 },
];

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
const say = (line: string) => process.stdout.write(`[chaos ${elapsed().padStart(7)}] ${line}\n`);

let postgres: ChaosPostgres | null = null;
process.on('exit', () => {
  // Last resort (a crash or a signal): nothing this run started may outlive it.
  killAllChildren();
  postgres?.killSync();
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`chaos: ${signal}, stopping\n`);
    process.exit(130);
  });
}

async function main(): Promise<number> {
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'donations-chaos-logs-'));
  say(`${DONATIONS} donations, concurrency ${CONCURRENCY}, seed ${SEED}; logs in ${logDir}`);
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      phases[name] = (phases[name] ?? 0) + Date.now() - started;
    }
  };

  let emulator: Emulator | null = null;
  let smtp: SmtpCatcher | null = null;
  const apps: AppInstance[] = [];
  let results: CheckResult[] = [];
  let ok = false;
  try {
    // --- the stack ------------------------------------------------------------------------------
    const pgLog: string[] = [];
    postgres = await phase('start', async () => {
      const server = await startChaosPostgres((line) => pgLog.push(line));
      await applyMigrations(server.url);
      await withDb(server.url, async (db) => {
        for (const c of CAMPAIGNS) {
          await db.query(
            `INSERT INTO campaigns (slug, title, goal, currency, starts_at, ends_at, preset_amounts)
             VALUES ($1, $2, $3, $4, now() - interval '1 day', now() + interval '30 days', '{}')`,
            [c.slug, `Chaos ${c.slug}`, 10_000_000, c.currency],
          );
        }
        for (const pool of MATCH_POOLS) {
          await db.query(
            `INSERT INTO match_pools (campaign_id, sponsor, currency, cap, per_donor_cap, multiplier, qualifies, monthly, monthly_installments, starts_at, ends_at)
             SELECT id, $2, currency, $3, $4, $5, $6, $7, $8, starts_at, ends_at FROM campaigns WHERE slug = $1`,
            [pool.campaign, pool.sponsor, pool.cap, pool.perDonorCap, pool.multiplier, pool.qualifies, pool.monthly, pool.monthlyInstallments],
          );
        }
      });
      return server;
    });
    const db = postgres;
    say(`PostgreSQL (embedded, durable) on port ${db.port}, data in ${db.dataDir}`);
    const ports = await reservePorts(2);
    const appUrls = ports.map((p) => `http://127.0.0.1:${p}`);
    const chaos = { duplicateRate: 1.5, reorder: true, retryDelaysMs: RETRY_DELAYS_MS, maxInFlight: MAX_IN_FLIGHT };
    emulator = await phase('start', () => startEmulator(appUrls, chaos, logDir));
    const stripeEmulator = emulator;
    say(`Stripe emulator on ${emulator.url}: each event delivered 2-3 times, shuffled, ${MAX_IN_FLIGHT} at once, retries after ${RETRY_DELAYS_MS.join('/')} ms`);
    smtp = await phase('start', () => startSmtpCatcher({ keep: 1_000_000 }));
    const smtpUrl = smtp.url;
    apps.push(...(await phase('start', () => Promise.all(ports.map((p, i) => startApp(`app-${'ab'[i]}`, p, db.url, stripeEmulator.url, logDir, smtpUrl))))));
    say(`app instances: ${apps.map((a) => a.url).join(', ')} (NODE_ENV=production)`);

    // --- the night ------------------------------------------------------------------------------
    const stripe = createStripeClient({ secretKey: CHAOS_SECRET_KEY, host: '127.0.0.1', port: Number(new URL(emulator.url).port), protocol: 'http', maxNetworkRetries: 0, timeoutMs: 30_000 });
    const plans = makePlans(DONATIONS, CAMPAIGNS, rng(SEED), `${SEED}-${t0}`);
    const pledgeRetries = new Map<string, number>();
    const incidents: string[] = [];
    const chaosEvents: Array<Promise<void>> = [];
    let done = 0;
    const victim = apps[1]!;
    const outcomes = await phase('donations', () =>
      mapConcurrent(plans, CONCURRENCY, async (plan) => {
        const outcome = await runDonation(
          {
            appUrls: () => appUrls,
            stripe,
            onPledgeRetry: (reason) => pledgeRetries.set(reason, (pledgeRetries.get(reason) ?? 0) + 1),
          },
          plan,
        );
        done++;
        if (done % Math.ceil(DONATIONS / 10) === 0) say(`${done}/${DONATIONS} donations`);
        if (done === Math.floor(DONATIONS * PG_RESTART_AT)) {
          say('PostgreSQL: stopping (fast shutdown), down for a while, starting again on the same port and data');
          chaosEvents.push(
            db.restart(PG_DOWN_MS).then(({ downMs }) => {
              incidents.push(`PostgreSQL restarted at donation ${done}: down ${downMs} ms`);
              say(`PostgreSQL back after ${downMs} ms`);
            }),
          );
        }
        if (done === Math.floor(DONATIONS * APP_KILL_AT)) {
          say(`${victim.name}: SIGKILL, then started again on port ${victim.port}`);
          chaosEvents.push(
            victim.crashAndRestart().then(({ downMs }) => {
              incidents.push(`${victim.name} killed (SIGKILL) at donation ${done}: back (ready) after ${downMs} ms`);
              say(`${victim.name} back after ${downMs} ms`);
            }),
          );
        }
        return outcome;
      }),
    );
    await Promise.all(chaosEvents);

    // --- the morning after ----------------------------------------------------------------------
    const payouts = await phase('settle', async () => {
      await emulator!.flush();
      await payoutMishaps(stripe);
      return (await stripe.rawRequest('POST', '/v1/test_helpers/payouts', {})) as unknown as { data: Array<{ id: string; amount: number; currency: string }> };
    });
    say(`payouts: ${payouts.data.map((p) => `${p.id} ${p.amount} ${p.currency}`).join(', ')}`);
    await phase('settle', () => emulator!.flush());
    say(`deliveries finished: ${emulator.stats.delivered} delivered, ${emulator.stats.failedAttempts} failed attempts retried, ${emulator.stats.gaveUp} given up`);
    const inboxBefore = await withDb(db.url, (c) => inboxCounts(c));
    say(`inbox before reconcile: ${fmtCounts(inboxBefore)}`);
    const reconcileOutput = await phase('reconcile', () => runReconcile(apps[0]!.port, db.url, emulator!.url, smtpUrl, new Date(t0 - 86_400_000)));
    say(`reconcile:\n${reconcileOutput.trimEnd().replace(/^/gm, '    ')}`);
    await phase('reconcile', async () => {
      await emulator!.flush();
      await waitQuiet(db.url);
    });

    // --- the books ------------------------------------------------------------------------------
    const record = await phase('check', () => readStripeRecord(stripe));
    results = await phase('check', () =>
      withDb(db.url, (c) => runChecks({ db: c, record, outcomes, campaigns: CAMPAIGNS.map((x) => x.slug), appUrls })),
    );
    await phase('receipts', () => withDb(db.url, (c) => waitOutboxDrained(c)));
    const receipts = await withDb(db.url, (c) => checkReceipts(c, smtp!.messages));
    say(receipts.figures);
    results.push(receipts.result);
    const inboxAfter = await withDb(db.url, (c) => inboxCounts(c));

    printFigures({ outcomes, record, emulator, inboxAfter, incidents, pledgeRetries, apps, phases });
    for (const r of results) {
      say(`${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${r.compared} values compared)`);
      for (const d of r.differences.slice(0, 15)) say(`     - ${d}`);
      if (r.differences.length > 15) say(`     ... and ${r.differences.length - 15} more`);
    }
    ok = results.length > 0 && results.every((r) => r.ok);
  } catch (error) {
    say(`run aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    results.push({ name: 'run completed', ok: false, compared: 0, differences: [String(error)] });
  } finally {
    await Promise.all(apps.map((a) => a.stop().catch(() => {})));
    await emulator?.child.stop().catch(() => {});
    await smtp?.close().catch(() => {});
    await postgres?.stop().catch(() => {});
    killAllChildren();
    if (ok && !process.env.CHAOS_KEEP_LOGS) await rm(logDir, { recursive: true, force: true });
    else say(`logs kept in ${logDir}`);
  }
  say(`total ${elapsed()}`);
  const passed = results.filter((r) => r.ok).length;
  process.stdout.write(`${passed} passed, ${results.length - passed} failed\n`);
  return ok ? 0 : 1;
}

type PayoutList = { data: Array<{ id: string }> };

/**
 * Payouts that go wrong before the last one: a pending payout delayed by the bank and cancelled,
 * and a paid one that fails days later. Their money goes out again in the final payout.
 */
async function payoutMishaps(stripe: ReturnType<typeof createStripeClient>): Promise<void> {
  const post = async (path: string, params: Record<string, unknown> = {}) => (await stripe.rawRequest('POST', path, params)) as unknown as PayoutList;
  for (const pending of (await post('/v1/test_helpers/payouts', { paid: false })).data) {
    await post(`/v1/test_helpers/payouts/${pending.id}/delay`, { days: 2 });
    await stripe.payouts.cancel(pending.id);
  }
  for (const paid of (await post('/v1/test_helpers/payouts')).data) {
    await post(`/v1/test_helpers/payouts/${paid.id}/fail`, { failure_code: 'account_closed' });
  }
  say('payouts: one cancelled while pending and one failed after paid, per currency');
}

async function withDb<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function inboxCounts(db: pg.Client): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>('SELECT status::text, count(*)::int AS n FROM webhook_events GROUP BY 1 ORDER BY 1');
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

const fmtCounts = (counts: Record<string, number> | Map<string, number>) =>
  [...(counts instanceof Map ? counts : Object.entries(counts))].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

/** Until nothing is waiting in the inbox (received = mid-transaction, deferred = waiting for a subject). */
async function waitQuiet(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const counts = await withDb(url, inboxCounts);
    const now = JSON.stringify(counts);
    if (!counts.received && !counts.deferred && now === last) return;
    last = now;
    await sleep(500);
  }
}

/** scripts/reconcile.ts with the app's environment, as an operator would run it. */
function runReconcile(appPort: number, databaseUrl: string, emulatorUrl: string, smtpUrl: string, since: Date): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts', '--since', since.toISOString()], {
      env: { ...process.env, ...appEnv(appPort, databaseUrl, emulatorUrl, smtpUrl) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.stderr.on('data', (c) => (err += String(c)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`reconcile exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

function printFigures(a: {
  outcomes: Outcome[];
  record: Awaited<ReturnType<typeof readStripeRecord>>;
  emulator: Emulator;
  inboxAfter: Record<string, number>;
  incidents: string[];
  pledgeRetries: Map<string, number>;
  apps: AppInstance[];
  phases: Record<string, number>;
}): void {
  const { record, emulator } = a;
  const byKind = new Map<string, number>();
  for (const [kind] of MIX) byKind.set(kind, 0);
  for (const o of a.outcomes) byKind.set(o.plan.kind, (byKind.get(o.plan.kind) ?? 0) + 1);
  const succeeded = record.charges.filter((c) => c.status === 'succeeded');
  const renewals = record.invoices.filter((i) => i.billing_reason === 'subscription_cycle');
  const copies = new Map<number, number>();
  for (const event of record.events) {
    const n = emulator.stats.perEvent.get(event.id) ?? 0;
    copies.set(n, (copies.get(n) ?? 0) + 1);
  }
  const lines = [
    '',
    '=== chaos run figures ===',
    `donations (Checkout Sessions via POST /api/pledges): ${a.outcomes.length}: ${fmtCounts(byKind)}`,
    `  covering the fee: ${a.outcomes.filter((o) => o.plan.coverFees).length}; by campaign: ${fmtCounts(countBy(a.outcomes, (o) => o.plan.campaign.slug))}`,
    `stripe: charges ${record.charges.length} (succeeded ${succeeded.length}, failed ${record.charges.length - succeeded.length}); ` +
      `payment intents ${record.paymentIntents.size}; invoices ${record.invoices.length} (renewals ${renewals.length}, ` +
      `failed ${record.invoices.filter((i) => i.status !== 'paid').length}); subscriptions ${record.subscriptions.size} ` +
      `(${fmtCounts(countBy([...record.subscriptions.values()], (s) => s.status))})`,
    `  refunded charges ${succeeded.filter((c) => c.amount_refunded > 0).length} (fully ${succeeded.filter((c) => c.refunded).length}); ` +
      `disputes ${record.disputes.length} (${fmtCounts(countBy(record.disputes, (d) => d.status))}); payouts ${record.payouts.length}`,
    `events: ${record.events.length} made by Stripe; deliveries acknowledged ${emulator.stats.delivered} ` +
      `(${(emulator.stats.delivered / Math.max(record.events.length, 1)).toFixed(2)} per event; copies per event: ${fmtCounts(new Map([...copies].sort((x, y) => x[0] - y[0]).map(([k, v]) => [`${k}x`, v])))})`,
    `  per instance: ${fmtCounts(emulator.stats.perUrl)}`,
    `  failed attempts retried: ${emulator.stats.failedAttempts} (${fmtCounts(emulator.stats.failuresByReason)}); given up: ${emulator.stats.gaveUp}; ` +
      `still unacknowledged at Stripe: ${record.events.filter((e) => e.pending_webhooks > 0).length}`,
    `inbox: ${fmtCounts(a.inboxAfter)}`,
    `restarts: ${a.incidents.join('; ')}; app starts: ${a.apps.map((x) => `${x.name} ${x.starts}`).join(', ')}`,
    `pledge requests retried by the donor side: ${fmtCounts(a.pledgeRetries)}`,
    `phases: ${Object.entries(a.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const item of items) m.set(key(item), (m.get(key(item)) ?? 0) + 1);
  return m;
}

process.exitCode = await main();
// Handles the children leave behind (pipes, timers) must not keep the run alive.
process.exit(process.exitCode);
