// Who uses an embedded server. Every process using the server of a data folder holds a lease (a
// small file naming its pid) in `<data folder>.users/`; the server is stopped by the last one to
// leave, and a server whose users are all gone (killed by SIGKILL) is an orphan. Joining and
// leaving happen under a lock, so a process can never join a server that is being stopped.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isRunning, processStartTime } from './postgres-process.ts';

export interface Lease {
  file: string;
}

interface LeaseRecord {
  pid: number;
  startTime: string | null;
  command: string;
}

let sequence = 0;

const leaseDir = (dataDir: string) => `${path.resolve(dataDir)}.users`;

export function addLease(dataDir: string): Lease {
  const dir = leaseDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${process.pid}-${++sequence}`);
  const record: LeaseRecord = { pid: process.pid, startTime: processStartTime(process.pid), command: process.argv.slice(1).join(' ') };
  writeFileSync(file, `${JSON.stringify(record)}\n`);
  return { file };
}

export function removeLease(lease: Lease): void {
  rmSync(lease.file, { force: true });
  try {
    rmdirSync(path.dirname(lease.file)); // only when it was the last one
  } catch {
    // others remain
  }
}

/** The leases of processes still alive; those of dead processes are removed on the way. */
export function liveLeases(dataDir: string): LeaseRecord[] {
  const dir = leaseDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: LeaseRecord[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const record = (() => {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as LeaseRecord;
      } catch {
        return null;
      }
    })();
    // A pid reused by an unrelated process has another start time.
    if (record && isRunning(record.pid) && (record.startTime === null || processStartTime(record.pid) === record.startTime)) live.push(record);
    else rmSync(file, { force: true });
  }
  return live;
}

/**
 * Runs `work` holding the data folder's lock: an abstract Unix socket, which only one process can
 * bind and the kernel frees when its process dies, however it dies (no stale lock to guess about).
 * Platforms without abstract sockets (not Linux) run without the lock.
 */
export async function withDataDirLock<T>(dataDir: string, work: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  if (process.platform !== 'linux') return work();
  const name = `\0donations-embedded-postgres-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 32)}`;
  const deadline = Date.now() + timeoutMs;
  let lock: net.Server | null;
  while (!(lock = await bind(name))) {
    if (Date.now() > deadline) {
      throw new Error(`another process has been starting or stopping the embedded PostgreSQL in ${dataDir} for ${timeoutMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  lock.unref();
  try {
    return await work();
  } finally {
    await new Promise((resolve) => lock.close(resolve));
  }
}

function bind(name: string): Promise<net.Server | null> {
  const server = net.createServer((socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen({ path: name }, () => resolve(server));
  });
}
