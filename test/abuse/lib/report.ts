// The figures of the abuse run: per attack, its rate, the honest donors' and reader's success and
// p99 while it ran, the app's peak memory and descriptors, and the time to recover after it.
import type { HonestEvent } from '../honest.ts';
import type { AttackOutcome } from './attacks.ts';

export interface AttackRecord {
  name: string;
  item: string;
  startedAt: number;
  endedAt: number;
  recoveredAt: number | null;
  outcome: AttackOutcome;
  peak: { rssMb: number; fds: number };
}

export interface HonestFigures {
  donors: number;
  donorsOk: number;
  donorP99Ms: number;
  reads: number;
  readsOk: number;
  readP99Ms: number;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function honestBetween(events: HonestEvent[], from: number, to: number): HonestFigures {
  const within = events.filter((e) => e.at >= from && e.at <= to);
  const donors = within.filter((e) => e.kind === 'donor');
  const reads = within.filter((e) => e.kind === 'reader');
  return {
    donors: donors.length,
    donorsOk: donors.filter((e) => e.ok).length,
    donorP99Ms: percentile(donors.map((e) => e.latencyMs), 99),
    reads: reads.length,
    readsOk: reads.filter((e) => e.ok).length,
    readP99Ms: percentile(reads.map((e) => e.latencyMs), 99),
  };
}

const pct = (ok: number, all: number) => (all === 0 ? '-' : `${((100 * ok) / all).toFixed(ok === all ? 0 : 1)}%`);
const ms = (n: number) => `${Math.round(n)} ms`;

export function table(records: AttackRecord[], honest: HonestEvent[]): string {
  const lines = [
    '| attack (issue 12 item) | requests | req/s | donors reaching Checkout | donor p99 | progress polls ok | poll p99 | peak RSS | peak FDs | recovered in |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of records) {
    const seconds = (r.endedAt - r.startedAt) / 1000;
    const h = honestBetween(honest, r.startedAt, r.endedAt);
    lines.push(
      `| ${r.name} (${r.item}) | ${r.outcome.requests.toLocaleString('en-US')} | ${Math.round(r.outcome.requests / Math.max(seconds, 0.001)).toLocaleString('en-US')} ` +
        `| ${h.donorsOk}/${h.donors} (${pct(h.donorsOk, h.donors)}) | ${ms(h.donorP99Ms)} | ${h.readsOk}/${h.reads} | ${ms(h.readP99Ms)} ` +
        `| ${Math.round(r.peak.rssMb)} MB | ${r.peak.fds.toLocaleString('en-US')} | ${r.recoveredAt === null ? 'not' : `${((r.recoveredAt - r.endedAt) / 1000).toFixed(1)} s`} |`,
    );
  }
  return lines.join('\n');
}
