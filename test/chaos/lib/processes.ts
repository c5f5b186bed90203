// Child processes of the chaos run: each one's output goes to a log file (kept for a failed run),
// every process is registered so that nothing outlives the run, whatever way it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, openSync, type WriteStream } from 'node:fs';
import path from 'node:path';

const live = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL: used on the way out, when nothing else is left to do). */
export function killAllChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  live.clear();
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function startChild(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  options: { logDir: string; ipc?: boolean; onLine?: (line: string) => void; cwd?: string },
): Child {
  const file = path.join(options.logDir, `${name}.log`);
  // Without a reader of its lines, a child writes its log straight to the file: a busy harness then
  // never holds up the child's (synchronous) logging.
  const direct = options.onLine ? null : openSync(file, 'a');
  // CHAOS_CPU_PROF=<dir>: a CPU profile of every child, written when it exits cleanly.
  const profile = process.env.CHAOS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.join(process.env.CHAOS_CPU_PROF, name)}`] : [];
  // TypeScript through tsx; built JavaScript (dist/...) as production runs it.
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...profile, ...loader, script, ...args], {
    env: { ...process.env, ...env },
    cwd: options.cwd,
    stdio: ['ignore', direct ?? 'pipe', direct ?? 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  live.add(child);
  let log: WriteStream | undefined;
  if (direct !== null) {
    closeSync(direct); // the child holds its own copy
  } else {
    log = createWriteStream(file, { flags: 'a' });
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      log!.write(chunk);
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine!(line);
    });
    child.stderr!.on('data', (chunk: Buffer) => log!.write(chunk));
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      log?.end();
      resolve(code);
    });
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    await exited;
  };
  return {
    name,
    process: child,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await signal('SIGTERM');
      clearTimeout(timer);
    },
    kill: (sig = 'SIGKILL') => signal(sig),
  };
}

/** Waits until `url` answers (any status if `anyStatus`), or the process exits, or time runs out. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 60_000, anyStatus = false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.process.exitCode ?? child.process.signalCode}) before ${url} answered; see its log`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.ok || anyStatus) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`${url} (${child.name}) not ready after ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
