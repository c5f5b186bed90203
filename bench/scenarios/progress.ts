// Scenario 2: GET /api/campaigns/:slug/progress with a thousand and with a million payments,
// against a bare Express handler returning constant JSON. Target: at least 0.7x, the same at
// both sizes (progress reads a cache invalidated by NOTIFY, backed by at most 16 shard rows).
import type { BenchPostgres } from '../lib/database.ts';
import { load } from '../lib/load.ts';
import { startBaseline, startEmulatorProcess, startProduct } from '../lib/product.ts';
import { seedCampaign, seedPayments } from '../lib/seed.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface ProgressResult {
  baseline: Summary;
  small: Summary;
  large: Summary;
  payments: { small: number; large: number };
}

/** One database for the read-heavy scenarios: campaign `small` (1,000 payments) and `large`. */
export async function seedLargeDatabase(pg: BenchPostgres, largeCount: number): Promise<string> {
  const url = await pg.createDatabase('bench_large');
  await seedPayments(url, await seedCampaign(url, 'small'), 1_000);
  await seedPayments(url, await seedCampaign(url, 'large'), largeCount);
  return url;
}

export async function benchProgress(url: string, runs: number, largeCount: number): Promise<ProgressResult> {
  const emulator = await startEmulatorProcess();
  const product = await startProduct(url, emulator.url);
  const baseline = await startBaseline('bench/baselines/constant-json.ts');
  const results = { baseline: [] as number[], small: [] as number[], large: [] as number[] };
  try {
    const run = async (target: string) => {
      const r = await load({ url: target, connections: 20, durationSeconds: 4 });
      if (r.errors || r.non2xx) throw new Error(`${target}: ${r.errors} errors, ${r.non2xx} non-2xx`);
      return r.requestsPerSecond;
    };
    // Warm-up: JIT and caches of both servers, both campaigns.
    await run(`${product.url}/api/campaigns/small/progress`);
    await run(`${product.url}/api/campaigns/large/progress`);
    await run(`${baseline.url}/progress`);
    for (let i = 0; i < runs; i++) {
      results.baseline.push(await run(`${baseline.url}/progress`));
      results.small.push(await run(`${product.url}/api/campaigns/small/progress`));
      results.large.push(await run(`${product.url}/api/campaigns/large/progress`));
    }
  } finally {
    await Promise.all([product.stop(), baseline.stop(), emulator.stop()]);
  }
  return {
    baseline: summarise(results.baseline),
    small: summarise(results.small),
    large: summarise(results.large),
    payments: { small: 1_000, large: largeCount },
  };
}
