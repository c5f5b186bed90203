// `npm run bench`: every scenario beside a baseline measured in the same run, as ratios.
// Writes bench/results.json and BENCHMARKS.md. BENCH_RUNS (default 3) runs per scenario;
// BENCH_PAYMENTS (default 1,000,000) payments for the large progress and export scenarios;
// BENCH_ONLY=progress,export,... to run some scenarios.
import { execSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { startBenchPostgres } from './lib/database.ts';
import { renderReport } from './report.ts';
import { benchExport } from './scenarios/export.ts';
import { benchPledges } from './scenarios/pledges.ts';
import { benchProgress, seedLargeDatabase } from './scenarios/progress.ts';
import { benchStartup } from './scenarios/startup.ts';
import { benchWebhooks } from './scenarios/webhooks.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const largeCount = Number(process.env.BENCH_PAYMENTS ?? 1_000_000);
const only = new Set((process.env.BENCH_ONLY ?? 'webhooks,progress,export,pledges,startup').split(','));
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
};

log('building (the product is measured as it ships: compiled JavaScript)');
execSync('npm run build --silent', { stdio: 'ignore' });
const pg = await startBenchPostgres();
const results: Record<string, unknown> = {};
try {
  if (only.has('webhooks')) {
    log('webhook intake');
    results.webhooks = await benchWebhooks(pg, runs, Number(process.env.BENCH_EVENTS ?? 500));
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
    results.startup = await benchStartup(runs);
  }
} finally {
  await pg.stop();
}
const seconds = Math.round((Date.now() - started) / 1000);
await writeFile('bench/results.json', `${JSON.stringify({ machine, runs, seconds, results }, null, 2)}\n`);
const report = renderReport({ machine, runs, seconds, results });
await writeFile('BENCHMARKS.md', report);
process.stdout.write(report);
log(`done in ${seconds}s`);
