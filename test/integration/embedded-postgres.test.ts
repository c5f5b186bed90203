import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { initdb, launchPostmaster } from '../../src/db/postgres-process.ts';

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

  it('leaves alone a live process that a stale postmaster.pid names when it is not PostgreSQL', async () => {
    const dataDir = path.join(tmp, 'stale-other-program');
    await (await startEmbeddedPostgres({ dataDir, database: 'kept' })).stop();
    // A pid reused after a crash or a reboot: some other program now holds it.
    const bystander = spawn('sleep', ['300'], { stdio: 'ignore' });
    try {
      await writeFile(path.join(dataDir, 'postmaster.pid'), stalePidFile(bystander.pid!, dataDir));
      const server = await startEmbeddedPostgres({ dataDir, database: 'kept' });
      try {
        expect(isAlive(bystander.pid!)).toBe(true);
        expect(bystander.exitCode).toBe(null);
        expect(await selectOne(server.url)).toBe(1);
      } finally {
        await server.stop();
      }
      expect(isAlive(bystander.pid!)).toBe(true);
    } finally {
      bystander.kill('SIGKILL');
    }
  }, 60_000);

  it("leaves alone the PostgreSQL of another data folder, even when this folder's pid file names it", async () => {
    const other = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'other-folder'), database: 'theirs' });
    try {
      const otherPid = Number((await readFile(path.join(tmp, 'other-folder', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const dataDir = path.join(tmp, 'stale-other-postgres');
      await (await startEmbeddedPostgres({ dataDir, database: 'kept' })).stop();
      await writeFile(path.join(dataDir, 'postmaster.pid'), stalePidFile(otherPid, dataDir));

      const server = await startEmbeddedPostgres({ dataDir, database: 'kept' });
      await server.stop();
      expect(isAlive(otherPid)).toBe(true);
      expect(await selectOne(other.url)).toBe(1);
    } finally {
      await other.stop();
    }
  }, 60_000);

  it('is shared: a second user joins the running server, which stops only when its last user leaves', async () => {
    const dataDir = path.join(tmp, 'shared');
    const first = await startEmbeddedPostgres({ dataDir, database: 'one' });
    const second = await startEmbeddedPostgres({ dataDir, database: 'two' });
    expect(first.joined).toBe(false);
    expect(second.joined).toBe(true);
    expect(second.port).toBe(first.port);
    const pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

    await first.stop();
    expect(isAlive(pid)).toBe(true);
    expect(await selectOne(second.url)).toBe(1);

    await second.stop();
    expect(isAlive(pid)).toBe(false);
    await expect(readFile(path.join(dataDir, 'postmaster.pid'))).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it("reports a binary it cannot run as a failed start, never as an unhandled 'error' event", async () => {
    // What root met in a private folder: spawn fails with EACCES, which Node emits as an 'error'
    // event on the child process; unheard, that event ends the process.
    const notExecutable = path.join(tmp, 'postgres-not-executable');
    await writeFile(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    const runtime = { postgres: notExecutable, initdb: notExecutable, dataDir: path.join(tmp, 'never') };
    await expect(initdb(runtime, 'postgres', notExecutable)).rejects.toThrow(/cannot run .*postgres-not-executable \(EACCES\)/);
    await mkdir(runtime.dataDir);
    await expect(launchPostmaster(runtime, 5999, [])).rejects.toThrow(/cannot run .*postgres-not-executable \(EACCES\)/);
  });
});

/** A postmaster.pid as PostgreSQL writes it, naming `pid`. */
function stalePidFile(pid: number, dataDir: string): string {
  return [pid, dataDir, Math.floor(Date.now() / 1000), 5999, '', '127.0.0.1', '  1234567         8', 'ready   ', ''].join('\n');
}

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT 1 AS one')).rows[0].one;
  } finally {
    await client.end();
  }
}
