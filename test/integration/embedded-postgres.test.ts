import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'embedded-pg-test-'));
await chmod(tmp, 0o777);
afterAll(() => rm(tmp, { recursive: true, force: true }));

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL', () => {
  it('recovers by itself after the app was killed with SIGKILL, keeping the data', async () => {
    const dataDir = path.join(tmp, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/embedded-child.ts', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => String(chunk).includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    const orphanPid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(isAlive(orphanPid)).toBe(true); // the situation to recover from

    const server = await startEmbeddedPostgres({ dataDir, database: 'kept' });
    try {
      expect(isAlive(orphanPid)).toBe(false);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query('SELECT note FROM marks');
      await client.end();
      expect(rows).toEqual([{ note: 'before the crash' }]);
    } finally {
      await server.stop();
    }
    // Stopped cleanly: no server left behind.
    await expect(readFile(path.join(dataDir, 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
  }, 60_000);
});
