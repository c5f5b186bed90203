// The chaos run's PostgreSQL: embedded, durable (fsync on), in a temporary directory, on a fixed
// port so it can be stopped and started again under the apps' feet.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../../../src/db/embedded-postgres.ts';

export interface ChaosPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast shutdown: sessions are cut, transactions roll back), waits `downMs`, starts it again. */
  restart(downMs: number): Promise<{ downMs: number }>;
  stop(): Promise<void>;
  /** Synchronous last resort for process exit: signals the postmaster found in postmaster.pid. */
  killSync(): void;
}

const DATABASE = 'chaos';

export async function startChaosPostgres(log: (line: string) => void): Promise<ChaosPostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'donations-chaos-pg-'));
  // As root, PostgreSQL runs as the `postgres` OS user, which must reach the data directory.
  await chmod(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir, database: DATABASE, port, durable: true, log });
  let server: RunningPostgres | null = await start();
  const url = server.url;
  return {
    url,
    port,
    dataDir,
    async restart(downMs) {
      const began = Date.now();
      await server?.stop();
      server = null;
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await start();
      return { downMs: Date.now() - began };
    },
    async stop() {
      await server?.stop();
      server = null;
      await rm(dir, { recursive: true, force: true });
    },
    killSync() {
      try {
        const pid = Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
        if (pid > 0) process.kill(pid, 'SIGQUIT');
      } catch {
        // not running
      }
    },
  };
}
