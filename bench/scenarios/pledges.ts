// Scenario 4: pledge creation through the Stripe emulator (validation, idempotency, the pledge
// row, the Checkout Session call, the session saved), against one INSERT plus one HTTP round
// trip to the same emulator.
import type { BenchPostgres } from '../lib/database.ts';
import { load } from '../lib/load.ts';
import { startBaseline, startEmulatorProcess, startProduct } from '../lib/product.ts';
import { seedCampaign } from '../lib/seed.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface PledgeResult {
  baseline: Summary;
  product: Summary;
  baselineP99: Summary;
  productP99: Summary;
}

export async function benchPledges(pg: BenchPostgres, runs: number): Promise<PledgeResult> {
  const url = await pg.createDatabase('bench_pledges');
  await seedCampaign(url, 'pledges');
  const emulator = await startEmulatorProcess();
  const product = await startProduct(url, emulator.url);
  const baseline = await startBaseline('bench/baselines/pledge-baseline.ts', { DATABASE_URL: url, STRIPE_URL: emulator.url });
  const body = JSON.stringify({ campaign: 'pledges', amount: 2500, currency: 'usd', frequency: 'once', email: 'bench@example.org' });
  const rps = { baseline: [] as number[], product: [] as number[] };
  const p99 = { baseline: [] as number[], product: [] as number[] };
  try {
    const run = async (target: string) => {
      const r = await load({
        url: target, connections: 10, durationSeconds: 4, method: 'POST', body,
        headers: { 'content-type': 'application/json' },
      });
      if (r.errors || r.non2xx) throw new Error(`${target}: ${r.errors} errors, ${r.non2xx} non-2xx`);
      return r;
    };
    await run(`${product.url}/api/pledges`);
    await run(`${baseline.url}/pledge`);
    for (let i = 0; i < runs; i++) {
      const b = await run(`${baseline.url}/pledge`);
      const p = await run(`${product.url}/api/pledges`);
      rps.baseline.push(b.requestsPerSecond);
      rps.product.push(p.requestsPerSecond);
      p99.baseline.push(b.p99Ms);
      p99.product.push(p.p99Ms);
    }
  } finally {
    await Promise.all([product.stop(), baseline.stop(), emulator.stop()]);
  }
  return {
    baseline: summarise(rps.baseline),
    product: summarise(rps.product),
    baselineP99: summarise(p99.baseline),
    productP99: summarise(p99.product),
  };
}
