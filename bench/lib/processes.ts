// Servers under test run in their own processes, so the load generator (this process) and the
// server do not share an event loop, as in production.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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
