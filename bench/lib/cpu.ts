// CPU time spent by the processes of a scenario, read from /proc: on two shared cores a ratio of
// throughputs says how far apart two servers are, CPU per request says where the difference goes
// (the app, PostgreSQL, or the stand-ins for Stripe and the mail relay that share the machine).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { query } from './database.ts';
import { summarise } from './stats.ts';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// The fields after the command (which may hold spaces and parentheses) start after the last ')';
// from there, the parent is the 2nd, utime and stime the 12th and 13th.
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU of one process so far, in ms (0 once it is gone). */
export function processCpuMs(pid: number): number {
  try {
    const fields = statFields(pid);
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  return Number(statFields(pid)[1]);
}

/**
 * A meter of the whole PostgreSQL server (the postmaster and every process it started: backends,
 * WAL writer, checkpointer, autovacuum), or null when the server is not on this machine.
 */
export async function postgresMeter(url: string): Promise<(() => number) | null> {
  const { rows } = await query(url, `SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'`);
  let postmaster: number;
  try {
    postmaster = parentOf(Number(rows[0]?.pid));
  } catch {
    return null; // not a process of this machine
  }
  return () => {
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)]).toString().trim().split(/\s+/).filter(Boolean);
    // Backends that ended since the last reading took their CPU with them; the meter is read
    // around runs in which the servers' pools keep their connections open.
    return children.reduce((sum, pid) => sum + processCpuMs(Number(pid)), processCpuMs(postmaster));
  };
}

/** This process's CPU so far, in ms. */
export const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU per request (or event), ms, by process. */
export interface CpuPerEvent {
  app: number;
  postgres: number;
  /** The Stripe emulator (Stripe's own servers in production). */
  emulator: number;
  /** The SMTP server taking the receipts, in the harness (the mail relay in production). */
  smtp: number;
}

/** A meter that reads nothing: a process the measured server does not have. */
export const none = () => 0;

/** CPU of each process over `work`, per event. */
export async function cpuOver(meters: Record<keyof CpuPerEvent, () => number>, events: () => number, work: () => Promise<void>): Promise<CpuPerEvent> {
  const read = () => Object.fromEntries(Object.entries(meters).map(([k, m]) => [k, m()])) as unknown as CpuPerEvent;
  const before = read();
  await work();
  const after = read();
  const per = (k: keyof CpuPerEvent) => (after[k] - before[k]) / events();
  return { app: per('app'), postgres: per('postgres'), emulator: per('emulator'), smtp: per('smtp') };
}

/** The median of each process's share over the runs. */
export function cpuMedians(runs: CpuPerEvent[]): CpuPerEvent {
  const median = (k: keyof CpuPerEvent) => summarise(runs.map((c) => c[k])).median;
  return { app: median('app'), postgres: median('postgres'), emulator: median('emulator'), smtp: median('smtp') };
}
