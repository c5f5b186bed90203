// Servers under test run in their own processes, so the load generator (this process) and the
// server do not share an event loop, as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// Whatever happens to the harness (an exception in a load generator included), no server it
// started outlives it.
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export interface Server {
  url: string;
  child: ChildProcess;
  maxRssMb(): number;
  stop(): Promise<void>;
}

export async function startServer(
  script: string,
  env: Record<string, string>,
  options: { readyPath?: string; anyResponse?: boolean } = {},
): Promise<Server> {
  const port = env.PORT!;
  // Built JavaScript runs as production does (node dist/...); TypeScript through tsx.
  // BENCH_PROFILE=1 writes a CPU profile of the product (what --cpu-prof records) to bench/profiles.
  const profile = process.env.BENCH_PROFILE && script.startsWith('dist/') ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [...profile, script];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    url + (options.readyPath ?? '/healthz'),
    60_000,
    () => child.exitCode !== null && new Error(`${script} exited: ${stderr.slice(-2000)}`),
    options.anyResponse,
  );
  let maxRss = 0;
  const sampler = setInterval(() => {
    maxRss = Math.max(maxRss, rssOf(child.pid!));
  }, 100);
  return {
    url,
    child,
    maxRssMb: () => Math.max(maxRss, rssOf(child.pid!)) / 1024,
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Resident set size of a process in KiB, from /proc (0 if gone). */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function waitFor(
  url: string,
  timeoutMs: number,
  failed: () => Error | false = () => false,
  anyResponse = false,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    const error = failed();
    if (error) throw error;
    try {
      const res = await fetch(url);
      if (res.ok || anyResponse) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}
