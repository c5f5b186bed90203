// The PostgreSQL processes themselves: who a postmaster.pid names, whether that is really the
// server of this data directory, and running initdb and postgres with every failure reported as a
// rejected promise (a spawn error must never become an unhandled 'error' event).
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Where the server's binaries are and, as root, the OS user it runs as. */
export interface ServerRuntime {
  postgres: string;
  initdb: string;
  /** The folder the server really keeps its data in (absolute, symbolic links resolved). */
  dataDir: string;
  user?: { name: string; uid: number; gid: number };
}

export interface Postmaster {
  pid: number;
  port: number;
  /** 'starting', 'ready', 'stopping' or 'standby' (PostgreSQL's own words, line 8 of postmaster.pid). */
  status: string;
}

const SERVER_LOG = 'server.log';

/** Alive and not a zombie (an exited process its parent has not collected yet). */
export function isRunning(pid: number): boolean {
  return exists(pid) && procStat(pid)?.state !== 'Z';
}

/** Fields of /proc/PID/stat after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): { state: string; startTime: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', startTime: fields[19] ?? '' };
  } catch {
    return null;
  }
}

/** When the process started (clock ticks since boot): a pid reused by another process differs. */
export function processStartTime(pid: number): string | null {
  return procStat(pid)?.startTime ?? null;
}

/**
 * True only for a postgres postmaster started on this very data directory (its command line is
 * `.../postgres -D DIR ...`; the postmaster keeps it, its children rewrite theirs). Anything this
 * cannot prove, a process of another program or another data directory, is left alone.
 */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  const d = args.indexOf('-D');
  if (path.basename(args[0] ?? '') !== 'postgres' || d < 0 || !path.isAbsolute(args[d + 1] ?? '')) return false;
  try {
    return realpathSync(args[d + 1]!) === realpathSync(dataDir);
  } catch {
    return false;
  }
}

function readPidFile(dataDir: string): string[] | null {
  try {
    return readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
}

/**
 * The live server of this data directory, from its postmaster.pid. A pid file whose pid is gone,
 * or is some other process (pids are reused after a reboot or a crash), is stale: it is removed,
 * as PostgreSQL's own message advises, and that process is never touched.
 */
export function runningPostmaster(dataDir: string, log: (message: string) => void): Postmaster | null {
  const lines = readPidFile(dataDir);
  if (!lines) return null;
  const pid = Number.parseInt(lines[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid) && isPostmasterOf(pid, dataDir)) {
    return { pid, port: Number.parseInt(lines[3] ?? '', 10), status: (lines[7] ?? '').trim() };
  }
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
    log(`postmaster.pid names pid ${pid}, which is not this folder's PostgreSQL: stale lock file removed, that process left alone`);
  }
  rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
  return null;
}

/** The running server once it is ready, or null once it is gone (a server recovering or stopping). */
export async function whenSettled(dataDir: string, log: (message: string) => void, timeoutMs = 60_000): Promise<Postmaster | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const server = runningPostmaster(dataDir, log);
    if (!server || server.status === 'ready') return server;
    if (Date.now() > deadline) throw new Error(`PostgreSQL in ${dataDir} (pid ${server.pid}) has been '${server.status}' for ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

/** Fast shutdown (running transactions roll back, data stays consistent), then waits for the exit. */
export async function stopPostmaster(pid: number, dataDir: string, timeoutMs = 30_000): Promise<void> {
  if (!isRunning(pid) || !isPostmasterOf(pid, dataDir)) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch (error) {
    // Started by another OS user (root's server, seen by a normal user): not ours to stop; it
    // stays until a process allowed to stop it finds it orphaned.
    if ((error as NodeJS.ErrnoException).code === 'EPERM') return;
    throw error;
  }
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`PostgreSQL (pid ${pid}) did not stop within ${timeoutMs / 1000} s`);
    await sleep(50);
  }
  // It has exited; an orphan's exit is collected by init, which may take a moment: wait a little
  // for its pid to be free, so that whoever comes next finds it gone.
  for (const reaped = Date.now() + 5_000; Date.now() < reaped && exists(pid); ) await sleep(50);
}

function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The synchronous last resort for process exit: ask for a fast shutdown, do not wait. */
export function signalPostmasterSync(dataDir: string): void {
  const pid = Number.parseInt(readPidFile(dataDir)?.[0] ?? '', 10);
  if (pid > 0 && isRunning(pid) && isPostmasterOf(pid, dataDir)) process.kill(pid, 'SIGINT');
}

function spawnOptions(runtime: ServerRuntime): SpawnOptions {
  // Messages in English whatever the machine's locale: they are shown to the operator as is.
  const options: SpawnOptions = { env: { ...process.env, LC_MESSAGES: 'C' } };
  if (runtime.user) Object.assign(options, { uid: runtime.user.uid, gid: runtime.user.gid });
  return options;
}

function cannotRun(binary: string, runtime: ServerRuntime, error: NodeJS.ErrnoException): Error {
  const as = runtime.user ? ` as the OS user ${runtime.user.name}` : '';
  return new Error(`cannot run ${binary}${as} (${error.code ?? error.message}): check that the file exists and that user can reach it`);
}

/** Creates the cluster. UTF-8 whatever the machine's locale (with LANG unset it would be SQL_ASCII). */
export function initdb(runtime: ServerRuntime, user: string, passwordFile: string): Promise<void> {
  const args = [
    `--pgdata=${runtime.dataDir}`, '--auth=password', `--username=${user}`, `--pwfile=${passwordFile}`,
    '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--lc-messages=C',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(runtime.initdb, args, { ...spawnOptions(runtime), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += String(chunk)));
    child.stderr!.on('data', (chunk) => (output += String(chunk)));
    child.on('error', (error) => reject(cannotRun(runtime.initdb, runtime, error)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`initdb ${runtime.dataDir} failed (${signal ?? `exit ${code}`}): ${lastLines(output)}`));
    });
  });
}

/**
 * Starts the postmaster in its own session, so that a Ctrl-C meant for one of the processes
 * using it does not reach it: it is stopped by the last process that uses it (see
 * embedded-postgres.ts). Resolves with its pid once PostgreSQL reports itself ready.
 */
export async function launchPostmaster(runtime: ServerRuntime, port: number, flags: string[], timeoutMs = 60_000): Promise<number> {
  const logFile = path.join(runtime.dataDir, SERVER_LOG);
  const fd = openSync(logFile, 'w', 0o600);
  const child = (() => {
    try {
      return spawn(runtime.postgres, ['-D', runtime.dataDir, '-p', String(port), ...flags], {
        ...spawnOptions(runtime),
        detached: true,
        stdio: ['ignore', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
  })();
  let failure: Error | undefined;
  child.on('error', (error) => (failure ??= cannotRun(runtime.postgres, runtime, error)));
  child.once('exit', (code, signal) => {
    failure ??= new Error(`PostgreSQL in ${runtime.dataDir} exited at start (${signal ?? `exit ${code}`}): ${serverLogTail(logFile)}`);
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await sleep(30);
    if (failure) throw failure;
    const lines = readPidFile(runtime.dataDir);
    if (lines?.[0] === String(child.pid) && lines[7]?.trim() === 'ready') break;
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new Error(`PostgreSQL in ${runtime.dataDir} was not ready within ${timeoutMs / 1000} s: ${serverLogTail(logFile)}`);
    }
  }
  // It outlives this process when others still use it; this process must not wait for it.
  child.removeAllListeners('exit');
  child.unref();
  return child.pid!;
}

function serverLogTail(file: string): string {
  try {
    return lastLines(readFileSync(file, 'utf8'));
  } catch {
    return '(no server log)';
  }
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n');
  const errors = lines.filter((line) => /FATAL|ERROR|PANIC|error|cannot|could not/.test(line));
  return (errors.length ? errors : lines).slice(-3).join(' | ');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
