// Scenario 1: webhook intake. Real donations are made through the product and paid in the Stripe
// emulator (deliveries off); the emulator's own checkout.session.completed events are then sent,
// signed, 20 in flight, to the product (signature check, inbox, payment, totals, fee lookup from
// the emulator, the receipt queued, the match pool's share taken) and to a bare Express + pg
// handler doing one INSERT per request. Totals and the pool's matched sum are checked exact after
// every run.
import { signPayload } from 'stripe-emulator';
import type { BenchPostgres } from '../lib/database.ts';
import { query } from '../lib/database.ts';
import { sendEach, type SendResult, type SignedBody } from '../lib/load.ts';
import { mapConcurrent } from '../lib/pool.ts';
import { BENCH_WEBHOOK_SECRET, startBaseline, startEmulatorProcess, startProduct } from '../lib/product.ts';
import { seedCampaign } from '../lib/seed.ts';
import { cpuMedians, cpuOver, none, ownCpuMs, postgresMeter, processCpuMs, type CpuPerEvent } from '../lib/cpu.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface WebhookResult {
  baseline: Summary;
  product: Summary;
  eventsPerRun: number;
  totalsExact: boolean;
  /** CPU per event, ms, by process, medians (null when PostgreSQL is not on this machine); the product's include the work its events leave behind (fees, receipts). */
  cpu: { product: CpuPerEvent; baseline: CpuPerEvent } | null;
}

const IN_FLIGHT = 20;
const STRIPE_AUTH = { Authorization: 'Bearer sk_test_bench' };

async function makePaidEvents(productUrl: string, stripeUrl: string, count: number): Promise<string[]> {
  const body = (i: number) =>
    JSON.stringify({ campaign: 'intake', amount: 1000 + (i % 500), currency: 'usd', frequency: 'once', email: `d${i}@example.org` });
  const sessions = await mapConcurrent(Array.from({ length: count }, (_, i) => i), 10, async (i) => {
    const res = await fetch(`${productUrl}/api/pledges`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(i) });
    if (res.status !== 201) throw new Error(`pledge ${i}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { checkoutSessionId: string }).checkoutSessionId;
  });
  await mapConcurrent(sessions, 10, async (id) => {
    const res = await fetch(`${stripeUrl}/v1/test_helpers/checkout/sessions/${id}/pay`, {
      method: 'POST',
      headers: { ...STRIPE_AUTH, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeeded',
    });
    if (!res.ok) throw new Error(`pay ${id}: ${res.status}`);
  });
  const events: string[] = [];
  let after: string | undefined;
  for (;;) {
    const url = new URL(`${stripeUrl}/v1/events`);
    url.searchParams.set('type', 'checkout.session.completed');
    url.searchParams.set('limit', '100');
    if (after) url.searchParams.set('starting_after', after);
    const page = (await (await fetch(url, { headers: STRIPE_AUTH })).json()) as { data: { id: string }[]; has_more: boolean };
    events.push(...page.data.map((e) => JSON.stringify(e)));
    if (!page.has_more || !page.data.length) break;
    after = page.data[page.data.length - 1]!.id;
  }
  if (events.length !== count) throw new Error(`expected ${count} events, got ${events.length}`);
  return events;
}

/**
 * Until every fee is filled and every receipt sent: the work an event leaves behind is part of
 * its cost, and it must not run on into the next measurement (the baseline's, which goes first).
 */
async function drained(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rows } = await query(
      url,
      `SELECT (SELECT count(*) FROM payments WHERE fee IS NULL) + (SELECT count(*) FROM email_outbox WHERE status IN ('queued', 'sending')) AS left`,
    );
    if (Number(rows[0].left) === 0) return;
    if (Date.now() > deadline) throw new Error(`the product left ${rows[0].left} fees or receipts undone after a minute`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Signed as Stripe signs, just before the run (the product refuses signatures older than 5 minutes). */
function sign(events: string[]): SignedBody[] {
  const now = Math.floor(Date.now() / 1000);
  return events.map((payload) => ({ signature: signPayload(payload, BENCH_WEBHOOK_SECRET, now), payload }));
}

export async function benchWebhooks(pg: BenchPostgres, runs: number, perRun = 1000): Promise<WebhookResult> {
  const url = await pg.createDatabase('bench_webhooks');
  const campaignId = await seedCampaign(url, 'intake');
  // A match pool open on the campaign, large enough for every gift: each payment also takes its
  // share of the pool, in its own transaction, as on a matched night.
  await query(
    url,
    `INSERT INTO match_pools (campaign_id, sponsor, currency, cap, multiplier, starts_at, ends_at)
     VALUES ($1, 'Bench sponsor', 'usd', 100000000000, 1, now() - interval '1 day', now() + interval '30 days')`,
    [campaignId],
  );
  const emulator = await startEmulatorProcess();
  const product = await startProduct(url, emulator.url);
  const baseline = await startBaseline('bench/baselines/insert-per-request.ts', { DATABASE_URL: url });
  const result = { baseline: [] as number[], product: [] as number[] };
  const cpu = { baseline: [] as CpuPerEvent[], product: [] as CpuPerEvent[] };
  const postgresCpu = await postgresMeter(url);
  let totalsExact = true;
  try {
    const all = await makePaidEvents(product.url, emulator.url, perRun * (runs + 1));
    const batches = Array.from({ length: runs + 1 }, (_, r) => all.slice(r * perRun, (r + 1) * perRun));
    let expectedRaised = 0;
    for (const [r, batch] of batches.entries()) {
      let b: SendResult | undefined;
      let p: SendResult | undefined;
      // The harness only takes the receipts while the product runs (wrk is a process of its own).
      const baselineCpu = await cpuOver(
        { app: () => processCpuMs(baseline.child.pid!), postgres: postgresCpu ?? none, emulator: none, smtp: none },
        () => batch.length,
        async () => void (b = await sendEach(`${baseline.url}/insert`, sign(batch), IN_FLIGHT)),
      );
      const productCpu = await cpuOver(
        { app: () => processCpuMs(product.child.pid!), postgres: postgresCpu ?? none, emulator: () => processCpuMs(emulator.child.pid!), smtp: ownCpuMs },
        () => batch.length,
        async () => {
          p = await sendEach(`${product.url}/webhooks/stripe`, sign(batch), IN_FLIGHT);
          await drained(url);
        },
      );
      if (!p || !b) throw new Error('no result');
      if (p.failures || b.failures) throw new Error(`run ${r}: product ${p.failures} failed, baseline ${b.failures} failed`);
      expectedRaised += batch.reduce((sum, e) => sum + (JSON.parse(e).data.object.amount_total as number), 0);
      const { rows } = await query(url, 'SELECT coalesce(sum(raised), 0)::bigint AS raised, coalesce(sum(donations), 0)::bigint AS n FROM campaign_total_shards WHERE campaign_id = $1', [campaignId]);
      const exact = Number(rows[0].raised) === expectedRaised && Number(rows[0].n) === perRun * (r + 1);
      // Matched one for one: every gift took its share of the pool.
      const matched = await query(url, 'SELECT coalesce(sum(amount), 0)::bigint AS matched FROM match_allocations');
      const exactMatch = Number(matched.rows[0].matched) === expectedRaised;
      if (!exactMatch) throw new Error(`match pool off after run ${r}: ${matched.rows[0].matched} vs ${expectedRaised}`);
      totalsExact &&= exact;
      if (!exact) throw new Error(`totals off after run ${r}: ${rows[0].raised} vs ${expectedRaised}`);
      if (r === 0) continue; // warm-up
      result.baseline.push(b.perSecond);
      result.product.push(p.perSecond);
      cpu.baseline.push(baselineCpu);
      cpu.product.push(productCpu);
    }
  } finally {
    await Promise.all([product.stop(), baseline.stop(), emulator.stop()]);
  }
  return {
    baseline: summarise(result.baseline),
    product: summarise(result.product),
    eventsPerRun: perRun,
    totalsExact,
    cpu: postgresCpu ? { product: cpuMedians(cpu.product), baseline: cpuMedians(cpu.baseline) } : null,
  };
}
