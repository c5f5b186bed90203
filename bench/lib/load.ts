// Load from outside the harness process, so the harness's own event loop never limits what it
// measures: wrk (bench/lib/wrk.lua) where it is installed, else autocannon in a child process
// (bench/lib/load-worker.ts). BENCH_LOAD=autocannon forces the fallback. HTTP/1.1 keep-alive,
// no pipelining, either way.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface LoadResult {
  /** Requests answered in the run. */
  requests: number;
  requestsPerSecond: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  bytesPerSecond: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/** One signed webhook delivery: the Stripe-Signature header and the raw body. */
export interface SignedBody {
  signature: string;
  payload: string;
}

export interface SendResult {
  perSecond: number;
  failures: number;
  p99Ms: number;
}

const WRK = process.env.BENCH_WRK ?? '/usr/bin/wrk';
const useWrk = process.env.BENCH_LOAD !== 'autocannon' && spawnSync(WRK, ['--version']).error === undefined;
export const loadGenerator = useWrk ? 'wrk' : 'autocannon (child process)';
const threads = (connections: number) => Math.max(1, Math.min(os.cpus().length, 2, connections));

/** `connections` requests in flight for `durationSeconds`, the same request each time. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (!useWrk) return runWorker<LoadResult>({ kind: 'load', ...options });
  const n = threads(options.connections);
  const url = new URL(options.url);
  const { done } = await runWrk(
    ['-t', String(n), '-c', String(options.connections), '-d', `${options.durationSeconds ?? 5}s`, '--timeout', '10s', `${url.origin}/`],
    {
      BENCH_THREADS: String(n),
      BENCH_METHOD: options.method ?? 'GET',
      BENCH_PATH: url.pathname + url.search,
      BENCH_HEADERS: Object.entries(options.headers ?? {}).map(([k, v]) => `${k}\t${v}`).join('\n'),
      ...(options.body !== undefined ? { BENCH_BODY: options.body } : {}),
    },
  );
  const seconds = done.durationUs / 1e6;
  return {
    requests: done.requests,
    requestsPerSecond: done.requests / seconds,
    p99Ms: done.p99Us / 1000,
    errors: done.connectErrors + done.readErrors + done.writeErrors + done.timeouts,
    non2xx: done.non2xx,
    bytesPerSecond: done.bytes / seconds,
  };
}

/**
 * Sends every body exactly once, `connections` in flight, and times it from the first request to
 * the last answer.
 */
export async function sendEach(url: string, bodies: SignedBody[], connections: number): Promise<SendResult> {
  if (!useWrk) return runWorker<SendResult>({ kind: 'send', url, bodies, connections });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'donations-bench-wrk-'));
  try {
    const file = path.join(dir, 'bodies.tsv');
    await writeFile(file, bodies.map((b) => `${b.signature}\t${b.payload}\n`).join(''));
    const n = threads(connections);
    const target = new URL(url);
    const { threadLines, done } = await runWrk(
      ['-t', String(n), '-c', String(connections), '-d', '600s', '--timeout', '60s', `${target.origin}/`],
      { BENCH_THREADS: String(n), BENCH_PATH: target.pathname, BENCH_BODIES: file },
      n,
    );
    const events = threadLines.reduce((sum, t) => sum + t.events, 0);
    if (events !== bodies.length) throw new Error(`wrk answered ${events} of ${bodies.length} events`);
    const seconds = (Math.max(...threadLines.map((t) => t.endUs)) - Math.min(...threadLines.map((t) => t.startUs))) / 1e6;
    return {
      perSecond: events / seconds,
      failures: done.non2xx + done.connectErrors + done.readErrors + done.writeErrors,
      p99Ms: done.p99Us / 1000,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface WrkDone {
  requests: number; durationUs: number; bytes: number; connectErrors: number; readErrors: number;
  writeErrors: number; timeouts: number; non2xx: number; p50Us: number; p99Us: number;
}
interface WrkThread { thread: number; events: number; startUs: number; endUs: number; non2xx: number }

/**
 * Runs wrk with bench/lib/wrk.lua. With `stopAfterThreads`, wrk is interrupted (SIGINT, which
 * ends its run early and still prints the summary) once that many threads have reported done.
 */
function runWrk(args: string[], env: Record<string, string>, stopAfterThreads?: number): Promise<{ threadLines: WrkThread[]; done: WrkDone }> {
  const script = path.join(import.meta.dirname, 'wrk.lua');
  const child = spawn(WRK, ['-s', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const threadLines: WrkThread[] = [];
  let done: WrkDone | undefined;
  let stdout = '';
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
    buffered += String(chunk);
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as WrkThread | WrkDone;
      if ('thread' in parsed) {
        threadLines.push(parsed);
        if (stopAfterThreads && threadLines.length === stopAfterThreads) child.kill('SIGINT');
      } else done = parsed;
    }
  });
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!done) return reject(new Error(`wrk exited ${code} without a summary: ${stderr}${stdout}`.slice(0, 2000)));
      resolve({ threadLines, done });
    });
  });
}

/** The fallback: bench/lib/load-worker.ts in its own Node process, its answer on stdout. */
function runWorker<T>(job: unknown): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'load-worker.ts')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += String(chunk)));
  child.stdin.end(JSON.stringify(job));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`load worker exited ${code}`))));
  });
}
