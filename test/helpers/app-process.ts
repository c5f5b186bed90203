// The app and its command-line tools as an operator runs them: real processes (`npm start` is
// `tsx src/main.ts`), with the embedded PostgreSQL they find themselves, in a given project folder.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres.ts';

export interface AppProcess {
  port: number;
  emulatorPort: number;
  child: ChildProcess;
  output(): string;
  /** Sends the signal (Ctrl-C is SIGINT) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The environment of a shell with nothing configured but what is given: no DATABASE_URL. */
export function bareEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', NODE_ENV: 'development', LOG_LEVEL: 'info', ...extra };
}

export async function startApp(cwd: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort();
  const emulatorPort = await freePort();
  const app = spawnApp(cwd, { PORT: String(port), STRIPE_EMULATOR_PORT: String(emulatorPort), ...env });
  await app.ready;
  return { ...app, port, emulatorPort };
}

export function spawnApp(cwd: string, env: Record<string, string>): Omit<AppProcess, 'port' | 'emulatorPort'> & { ready: Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd, env: bareEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 90 s:\n${output}`)), 90_000);
    child.stdout!.on('data', () => {
      if (output.includes('"msg":"ready: open')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited with ${code} before it was ready:\n${output}`));
    });
  });
  ready.catch(() => {});
  return {
    child,
    ready,
    exited,
    output: () => output,
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- args` as the package's scripts run it: tsx on the script file. */
export function runCommand(cwd: string, script: string, args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd, env: bareEnv(env), timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

export async function readyz(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
  return res?.status ?? 0;
}

/** The pid in a data folder's postmaster.pid, or null when no server runs there. */
export function postmasterPid(dataDir: string): number | null {
  try {
    return Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
