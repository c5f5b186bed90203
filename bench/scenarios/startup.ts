// Scenario 5: `npm start` to ready (GET /readyz answers 200), cold (a fresh .data/postgres:
// initdb, migrations, seed) and warm (existing data), in a scratch copy of the project folder's
// data directory. Baseline: a bare Node process serving HTTP, started the same way.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { waitFor } from '../lib/processes.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface StartupResult {
  baseline: Summary;
  cold: Summary;
  warm: Summary;
}

async function timeStart(args: string[], env: Record<string, string>, readyPath: string): Promise<number> {
  const port = String(await freePort());
  const started = performance.now();
  const child = spawn(args[0]!, args.slice(1), {
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: port, STRIPE_EMULATOR_PORT: String(await freePort()), ...env },
    stdio: 'ignore',
    detached: true,
  });
  try {
    await waitFor(`http://127.0.0.1:${port}${readyPath}`, 60_000, () => child.exitCode !== null && new Error('exited'));
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

export async function benchStartup(runs: number): Promise<StartupResult> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = { baseline: [] as number[], cold: [] as number[], warm: [] as number[] };
  for (let i = 0; i < runs; i++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'donations-bench-start-'));
    await chmod(dir, 0o777);
    // EMBEDDED_POSTGRES_DIR puts this run's PostgreSQL in a scratch folder; everything else is `npm start`.
    const env = { EMBEDDED_POSTGRES_DIR: path.join(dir, 'postgres'), NODE_ENV: 'development' };
    try {
      result.baseline.push(
        await timeStart([process.execPath, '-e', "require('http').createServer((q,s)=>s.end('ok')).listen(process.env.PORT)"], {}, '/'),
      );
      result.cold.push(await timeStart([npm, 'start', '--silent'], env, '/readyz'));
      result.warm.push(await timeStart([npm, 'start', '--silent'], env, '/readyz'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { baseline: summarise(result.baseline), cold: summarise(result.cold), warm: summarise(result.warm) };
}
