// Scenario 4: pledge creation through the Stripe emulator (validation, idempotency, the pledge
// row, the Checkout Session call, the session saved), against one INSERT plus one HTTP round
// trip to the same emulator.
import type { BenchPostgres } from '../lib/database.ts';
import { cpuMedians, cpuOver, none, postgresMeter, processCpuMs, type CpuPerEvent } from '../lib/cpu.ts';
import { load, type LoadResult } from '../lib/load.ts';
import type { Server } from '../lib/processes.ts';
import { startBaseline, startEmulatorProcess, startProduct } from '../lib/product.ts';
import { seedCampaign } from '../lib/seed.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface PledgeResult {
  baseline: Summary;
  product: Summary;
  baselineP99: Summary;
  productP99: Summary;
  /** CPU per pledge, ms, by process, medians (null when PostgreSQL is not on this machine). */
  cpu?: { product: CpuPerEvent; baseline: CpuPerEvent } | null;
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
  let shares: PledgeResult['cpu'] = null;
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
    const postgresCpu = await postgresMeter(url);
    const cpu = { baseline: [] as CpuPerEvent[], product: [] as CpuPerEvent[] };
    // Where each pledge's CPU goes on the machine: the app, PostgreSQL and the emulator share its two cores.
    const measured = async (server: Server, target: string) => {
      let r: LoadResult | undefined;
      const share = await cpuOver(
        { app: () => processCpuMs(server.child.pid!), postgres: postgresCpu ?? none, emulator: () => processCpuMs(emulator.child.pid!), smtp: none },
        () => r!.requests,
        async () => void (r = await run(target)),
      );
      return { ...r!, share };
    };
    for (let i = 0; i < runs; i++) {
      const b = await measured(baseline, `${baseline.url}/pledge`);
      const p = await measured(product, `${product.url}/api/pledges`);
      rps.baseline.push(b.requestsPerSecond);
      rps.product.push(p.requestsPerSecond);
      p99.baseline.push(b.p99Ms);
      p99.product.push(p.p99Ms);
      cpu.baseline.push(b.share);
      cpu.product.push(p.share);
    }
    shares = postgresCpu ? { product: cpuMedians(cpu.product), baseline: cpuMedians(cpu.baseline) } : null;
  } finally {
    await Promise.all([product.stop(), baseline.stop(), emulator.stop()]);
  }
  return {
    baseline: summarise(rps.baseline),
    product: summarise(rps.product),
    baselineP99: summarise(p99.baseline),
    productP99: summarise(p99.product),
    cpu: shares,
  };
}
