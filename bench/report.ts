// BENCHMARKS.md from one run's results: every scenario with its baseline and ratio.
import { fmt, ratio, type Summary } from './lib/stats.ts';

const s = (x: Summary, digits = 0) => `${fmt(x.median, digits)} (${fmt(x.min, digits)}–${fmt(x.max, digits)})`;
const r = (value: Summary, baseline: Summary) => `**${ratio(value, baseline).toFixed(2)}x**`;

export function renderReport(run: { machine: Record<string, unknown>; runs: number; seconds: number; results: Record<string, any> }): string {
  const { results: x } = run;
  const lines: string[] = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (harness in `bench/`). Each figure is the median of the runs, with min–max;',
    'every scenario runs beside a baseline measured in the same run, and the ratio is the figure that',
    'matters on this shared two-core machine. The product runs as in production (`src/main.ts`,',
    'NODE_ENV=production) in its own process, against a Stripe emulator process and PostgreSQL with',
    'fsync on; load comes from autocannon in the harness process.',
    '',
    `Machine: ${run.machine.cpus}, ${run.machine.memoryGb} GB, Node ${run.machine.node}, ${run.machine.postgres}.`,
    `Commit ${run.machine.commit}, ${run.machine.date}, ${run.runs} runs per scenario, ${run.seconds} s in all.`,
    '',
    '| scenario | product | baseline | ratio | target |',
    '|---|---|---|---|---|',
  ];
  if (x.webhooks) {
    lines.push(`| 1. webhook intake, events/s (20 in flight, ${x.webhooks.eventsPerRun} unique events a run, totals exact: ${x.webhooks.totalsExact ? 'yes' : 'NO'}) | ${s(x.webhooks.product)} | ${s(x.webhooks.baseline)} (Express + pg, one INSERT) | ${r(x.webhooks.product, x.webhooks.baseline)} | ≥ 0.5x |`);
  }
  if (x.progress) {
    lines.push(`| 2a. progress reads, req/s, ${fmt(x.progress.payments.small)} payments | ${s(x.progress.small)} | ${s(x.progress.baseline)} (Express, constant JSON) | ${r(x.progress.small, x.progress.baseline)} | ≥ 0.7x |`);
    lines.push(`| 2b. progress reads, req/s, ${fmt(x.progress.payments.large)} payments | ${s(x.progress.large)} | same baseline | ${r(x.progress.large, x.progress.baseline)} | ≥ 0.7x, same as 2a |`);
  }
  if (x.export) {
    lines.push(`| 3. payments.csv, MB/s, ${fmt(x.export.rows)} payments | ${s(x.export.product, 1)} | ${s(x.export.baseline, 1)} (COPY … TO STDOUT CSV via pg-copy-streams) | ${r(x.export.product, x.export.baseline)} | ≥ 0.5x |`);
    lines.push(`| 3. peak RSS of the app during the export, MB | ${s(x.export.peakRssMb)} | | | ≤ 256 MB |`);
  }
  if (x.pledges) {
    lines.push(`| 4. pledge creation through the emulator, req/s (10 in flight) | ${s(x.pledges.product)} | ${s(x.pledges.baseline)} (one INSERT + one emulator round trip) | ${r(x.pledges.product, x.pledges.baseline)} | |`);
    lines.push(`| 4. pledge creation p99, ms | ${s(x.pledges.productP99)} | ${s(x.pledges.baselineP99)} | ${(x.pledges.productP99.median / x.pledges.baselineP99.median).toFixed(2)}x | |`);
  }
  if (x.startup) {
    lines.push(`| 5. \`npm start\` to ready, cold (initdb, migrations, seed), ms | ${s(x.startup.cold)} | ${s(x.startup.baseline)} (bare \`node\` HTTP server) | ${r(x.startup.cold, x.startup.baseline)} | |`);
    lines.push(`| 5. \`npm start\` to ready, warm, ms | ${s(x.startup.warm)} | same baseline | ${r(x.startup.warm, x.startup.baseline)} | |`);
  }
  lines.push('', '## Notes', '', NOTES, '');
  return lines.join('\n');
}

export const NOTES = `See the closing notes of the benchmarks issue for the profiles behind these figures.`;
