// `npm run bench`: every scenario beside a baseline measured in the same run, as ratios.
// Writes bench/results.json and BENCHMARKS.md. BENCH_RUNS (default 3) runs per scenario;
// BENCH_PAYMENTS (default 1,000,000) payments for the large progress and export scenarios;
// BENCH_ONLY=webhooks,progress,export,pledges,startup,rest to run some scenarios.
import { execSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { startBenchPostgres } from './lib/database.ts';
import { loadGenerator } from './lib/load.ts';
import { renderReport } from './report.ts';
import { benchExport } from './scenarios/export.ts';
import { benchPledges } from './scenarios/pledges.ts';
import { benchProgress, seedLargeDatabase } from './scenarios/progress.ts';
import { benchRest, benchStartup } from './scenarios/startup.ts';
import { benchWebhooks } from './scenarios/webhooks.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const largeCount = Number(process.env.BENCH_PAYMENTS ?? 1_000_000);
const only = new Set((process.env.BENCH_ONLY ?? 'webhooks,progress,export,pledges,startup,rest').split(','));
const started = Date.now();
const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);

const machine = {
  cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  postgres: process.env.BENCH_DATABASE_URL ? 'BENCH_DATABASE_URL' : 'embedded PostgreSQL 18 (fsync on)',
  commit: (() => {
    try {
      return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })(),
  date: new Date().toISOString(),
  load: loadGenerator,
};

log('building (the product is measured as it ships: compiled JavaScript)');
execSync('npm run build --silent', { stdio: 'ignore' });
const pg = await startBenchPostgres();
const results: Record<string, unknown> = {};
try {
  if (only.has('webhooks')) {
    log('webhook intake');
    results.webhooks = await benchWebhooks(pg, runs, Number(process.env.BENCH_EVENTS ?? 1000));
  }
  if (only.has('progress') || only.has('export')) {
    log(`seeding ${largeCount.toLocaleString()} payments (generate_series)`);
    const large = await seedLargeDatabase(pg, largeCount);
    if (only.has('progress')) {
      log('progress reads');
      results.progress = await benchProgress(large, runs, largeCount);
    }
    if (only.has('export')) {
      log(`payments.csv export of ${(largeCount + 1_000).toLocaleString()} payments`);
      results.export = await benchExport(large, runs, largeCount + 1_000);
    }
  }
  if (only.has('pledges')) {
    log('pledge creation');
    results.pledges = await benchPledges(pg, runs);
  }
  if (only.has('startup')) {
    log('start-up');
    results.startup = await benchStartup(pg, runs);
  }
  if (only.has('rest')) {
    log('resident memory at rest');
    results.rest = await benchRest(pg, runs);
  }
} finally {
  await pg.stop();
}
const seconds = Math.round((Date.now() - started) / 1000);
// bench/results.json keeps every full run (the newest first); a run of some scenarios only is
// written to bench/results-partial.json and BENCHMARKS.md is left alone.
const run = { machine, runs, seconds, results };
const full = !process.env.BENCH_ONLY;
const history = await readHistory();
if (full) await writeFile('bench/results.json', `${JSON.stringify({ history: [run, ...history] }, null, 2)}\n`);
else await writeFile('bench/results-partial.json', `${JSON.stringify(run, null, 2)}\n`);
const report = renderReport(run, history);
if (full) await writeFile('BENCHMARKS.md', report);
process.stdout.write(report);
log(`done in ${seconds}s`);

async function readHistory(): Promise<Array<typeof run>> {
  const stored = JSON.parse(await readFile('bench/results.json', 'utf8').catch(() => '{"history":[]}'));
  // The first format held one run.
  return Array.isArray(stored.history) ? stored.history : [stored];
}
