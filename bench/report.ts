// BENCHMARKS.md from one run's results: every scenario with its baseline and ratio.
import { fmt, ratio, type Summary } from './lib/stats.ts';

const s = (x: Summary, digits = 0) => `${fmt(x.median, digits)} (${fmt(x.min, digits)}–${fmt(x.max, digits)})`;
const r = (value: Summary, baseline: Summary) => `**${ratio(value, baseline).toFixed(2)}x**`;

type Run = { machine: Record<string, unknown>; runs: number; seconds: number; results: Record<string, any> };

export function renderReport(run: Run, history: Run[] = []): string {
  const { results: x } = run;
  const lines: string[] = [
    '# Benchmarks',
    '',
    'Produced by `npm run bench` (harness in `bench/`). Each figure is the median of the runs, with min–max;',
    'every scenario runs beside a baseline measured in the same run, and the ratio is the figure that',
    'matters on this shared two-core machine. The product runs as in production (`src/main.ts`,',
    'NODE_ENV=production) in its own process, against a Stripe emulator process and PostgreSQL with',
    `fsync on, request logging at info, receipts sent to an SMTP server; load comes from ${String(run.machine.load ?? 'autocannon in the harness process')}`,
    'in a process of its own (wrk at 2 threads where installed; autocannon in a child process otherwise).',
    '',
    `Machine: ${run.machine.cpus}, ${run.machine.memoryGb} GB, Node ${run.machine.node}, ${run.machine.postgres}.`,
    `Commit ${run.machine.commit}, ${run.machine.date}, ${run.runs} runs per scenario, ${run.seconds} s in all.`,
    '',
    '| scenario | product | baseline | ratio | target |',
    '|---|---|---|---|---|',
  ];
  if (x.webhooks) {
    lines.push(`| 1. webhook intake, events/s (20 in flight, ${x.webhooks.eventsPerRun} unique events a run, totals exact: ${x.webhooks.totalsExact ? 'yes' : 'NO'}) | ${s(x.webhooks.product)} | ${s(x.webhooks.baseline)} (Express + pg, one INSERT) | ${r(x.webhooks.product, x.webhooks.baseline)} | ≥ 0.6x |`);
  }
  if (x.progress) {
    lines.push(`| 2a. progress reads, req/s, ${fmt(x.progress.payments.small)} payments | ${s(x.progress.small)} | ${s(x.progress.baseline)} (Express, constant JSON) | ${r(x.progress.small, x.progress.baseline)} | ≥ 0.8x |`);
    lines.push(`| 2b. progress reads, req/s, ${fmt(x.progress.payments.large)} payments | ${s(x.progress.large)} | same baseline | ${r(x.progress.large, x.progress.baseline)} | ≥ 0.8x, flat in size |`);
  }
  if (x.export) {
    lines.push(`| 3. payments.csv, MB/s, ${fmt(x.export.rows)} payments | ${s(x.export.product, 1)} | ${s(x.export.baseline, 1)} (COPY … TO STDOUT CSV via pg-copy-streams) | ${r(x.export.product, x.export.baseline)} | ≥ 0.7x |`);
    lines.push(`| 3. peak RSS of the app during the export, MB | ${s(x.export.peakRssMb)} | | | ≤ 256 MB |`);
  }
  if (x.pledges) {
    lines.push(`| 4. pledge creation through the emulator, req/s (10 in flight) | ${s(x.pledges.product)} | ${s(x.pledges.baseline)} (one INSERT + one emulator round trip) | ${r(x.pledges.product, x.pledges.baseline)} | ≥ 0.6x |`);
    lines.push(`| 4. pledge creation p99, ms | ${s(x.pledges.productP99)} | ${s(x.pledges.baselineP99)} | ${(x.pledges.productP99.median / x.pledges.baselineP99.median).toFixed(2)}x | ≤ 1.5x |`);
  }
  if (x.startup) {
    lines.push(`| 5. production build, spawn to /readyz 200, cold (empty database: migrations, seed), ms | ${s(x.startup.cold)} | ${s(x.startup.baseline)} (bare \`node\` HTTP server) | ${r(x.startup.cold, x.startup.baseline)} | ≤ 3,000 ms |`);
    lines.push(`| 5. production build, spawn to /readyz 200, warm, ms | ${s(x.startup.warm)} | same baseline | ${r(x.startup.warm, x.startup.baseline)} | ≤ 1,500 ms |`);
  }
  if (x.rest) {
    lines.push(`| 6. RSS at rest, production, MB (after start and one request of each kind) | ${s(x.rest.rssMb)} | | | ≤ 150 MB |`);
  }
  lines.push('', '## Notes', '', NOTES, '');
  if (history.length) lines.push('## History', '', 'Earlier full runs (bench/results.json), newest first: the ratios as they were measured then.', '', ...renderHistory(history), '');
  return lines.join('\n');
}

function renderHistory(history: Run[]): string[] {
  const ratioOf = (a?: Summary, b?: Summary) => (a && b ? ratio(a, b).toFixed(2) + 'x' : '');
  const rows = history.map(({ machine, results: x }) => {
    const cells = [
      `${String(machine.date).slice(0, 10)} ${String(machine.commit)}`,
      String(machine.load ?? 'autocannon in the harness process'),
      x.webhooks ? `${ratioOf(x.webhooks.product, x.webhooks.baseline)} (${fmt(x.webhooks.product.median)}/s)` : '',
      ratioOf(x.progress?.small, x.progress?.baseline),
      ratioOf(x.progress?.large, x.progress?.baseline),
      x.export ? `${ratioOf(x.export.product, x.export.baseline)}, ${fmt(x.export.peakRssMb.median)} MB` : '',
      x.pledges ? `${ratioOf(x.pledges.product, x.pledges.baseline)}, p99 ${ratioOf(x.pledges.productP99, x.pledges.baselineP99)}` : '',
      x.startup ? `${fmt(x.startup.cold.median)} / ${fmt(x.startup.warm.median)} ms` : '',
      x.rest ? `${fmt(x.rest.rssMb.median)} MB` : '',
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| run | load from | 1. intake | 2a. progress 1k | 2b. progress large | 3. export, RSS | 4. pledges | 5. start cold / warm | 6. RSS at rest |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
}

export const NOTES = `- **Reproduce**: \`npm run bench\` (about 4 minutes here; BENCH_RUNS, BENCH_PAYMENTS, BENCH_EVENTS and
  BENCH_ONLY=webhooks,progress,export,pledges,startup narrow it; BENCH_PROFILE=1 writes CPU profiles of the product to
  bench/profiles/). The product is built first and runs as \`node dist/src/main.js\`, NODE_ENV=production.
- **Webhook intake (below target).** Each unique checkout.session.completed is verified (HMAC over the raw body), then
  in one transaction: the inbox claim (INSERT ... ON CONFLICT), an advisory lock per subject, the pledge read, the
  payment upsert (whose trigger moves the campaign totals on a per-connection shard and NOTIFYs the live progress),
  the pledge update, the event's settle and the wake-up of deferred events: about ten database round trips against
  the baseline's one INSERT. A CPU profile of the product under this load (BENCH_PROFILE=1) shows 26% of its time in
  writev (socket writes, one per round trip) and 15% in Prisma's client runtime; the rest is idle waiting on the
  database. Two causes were fixed on the way: the fee lookup at Stripe ran before the transaction, in the webhook's
  path (now read after commit by src/payments/fee-filler.ts; reconciliation fills what it misses), taking intake from
  0.14x-0.19x to the figure above; and a pre-check for duplicates cost every unique event a round trip (now only
  where a handler would call Stripe). What would reach 0.5x: applying an event in one round trip (a PL/pgSQL function
  taking the event and doing claim, locks and ledger writes server-side), which trades the typed repositories for SQL;
  not done in this pass. Totals are checked exact after every run, and the emulator's own record is the reference.
- **Progress reads.** Served from a per-instance cache that LISTEN/NOTIFY invalidates on every committed payment, with
  the JSON body serialised once per change; a miss sums at most 16 shard rows, so 1,000 and 1,000,000 payments read
  the same. The profile showed pino-http's per-request child logger costing a third of the throughput (0.56x with it,
  0.85x without in an A/B run); request logging is now written on pino directly (same log line, child logger made
  only when a handler logs).
- **Export.** PostgreSQL writes the CSV itself (COPY ... TO STDOUT, cell formatting and formula neutralisation in
  SQL functions checked equal to the TypeScript rules), streamed to the client with backpressure; the query is
  cancelled when the client goes away. Peak RSS stays flat through the million rows; most of it is the process at rest
  (the schema engine now runs in a worker thread at start-up so its memory is returned, and the Stripe emulator is not
  loaded in production).
- **Pledge creation** (no target): validation, idempotency lookup, the pledge INSERT, the Checkout Session call and the
  session UPDATE, against INSERT + one emulator call.
- **Start-up**: cold includes initdb of the embedded PostgreSQL, migrations in a worker and the seed; warm is PostgreSQL
  start, a migration check and listen. Both are well under the 10 s the foundation issue asks for.`;
