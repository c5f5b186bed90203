// The app process seen from outside, as an operator's dashboard would: resident memory and open
// file descriptors from /proc, sampled four times a second for the whole run.
import { readdirSync, readFileSync } from 'node:fs';

export interface Sample {
  at: number;
  rssMb: number;
  fds: number;
}

export interface Monitor {
  /** The latest sample. */
  now(): Sample;
  /** Samples taken between two instants. */
  between(from: number, to: number): Sample[];
  /** The median RSS between two instants (steadier than one sample while the heap comes and goes). */
  medianRssMb(from: number, to: number): number;
  /** The highest RSS and FD count between two instants (each at its own moment). */
  peak(from?: number, to?: number): { rssMb: number; fds: number };
  stop(): void;
}

export function read(pid: number): Sample {
  let rssMb = 0;
  let fds = 0;
  try {
    rssMb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    fds = readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    // the process is gone
  }
  return { at: Date.now(), rssMb, fds };
}

export function monitor(pid: number, everyMs = 250): Monitor {
  const samples: Sample[] = [read(pid)];
  const timer = setInterval(() => samples.push(read(pid)), everyMs);
  timer.unref();
  const between = (from: number, to: number) => samples.filter((s) => s.at >= from && s.at <= to);
  return {
    now: () => samples[samples.length - 1]!,
    between,
    medianRssMb(from, to) {
      const rss = between(from, to).map((s) => s.rssMb).sort((a, b) => a - b);
      return rss[Math.floor(rss.length / 2)] ?? 0;
    },
    peak(from = 0, to = Number.POSITIVE_INFINITY) {
      const window = between(from, to);
      return {
        rssMb: Math.max(0, ...window.map((s) => s.rssMb)),
        fds: Math.max(0, ...window.map((s) => s.fds)),
      };
    },
    stop: () => clearInterval(timer),
  };
}
