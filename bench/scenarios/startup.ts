// Scenario 5: the production build (`node dist/src/main.js`, NODE_ENV=production) from process
// spawn to GET /readyz answering 200: cold on an empty database (every migration applied, the
// campaign seeded) and warm on the same database again. Baseline: a bare `node` HTTP server,
// spawned and timed the same way.
// Scenario 6: the product's resident memory at rest, once started and after one request of each
// common kind (a page, the progress, a pledge), settled for a few seconds.
import { spawn } from 'node:child_process';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { startSmtpCatcher } from '../../src/email/smtp-catcher.ts';
import type { BenchPostgres } from '../lib/database.ts';
import { query } from '../lib/database.ts';
import { rssOf, waitFor } from '../lib/processes.ts';
import { productEnv, startEmulatorProcess } from '../lib/product.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface StartupResult {
  baseline: Summary;
  cold: Summary;
  warm: Summary;
}

export interface RestResult {
  rssMb: Summary;
}

interface Started {
  ms: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function start(args: string[], env: Record<string, string>, readyPath: string): Promise<Started> {
  const port = String(await freePort());
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: port }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitFor(url + readyPath, 60_000, () => child.exitCode !== null && new Error(`exited: ${stderr.slice(-1000)}`));
    return { ms: performance.now() - started, url, pid: child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Each run gets a fresh database for its cold start; the warm start reuses it. */
export async function benchStartup(pg: BenchPostgres, runs: number): Promise<StartupResult> {
  const emulator = await startEmulatorProcess();
  const smtp = await startSmtpCatcher({ keep: 0 });
  const result = { baseline: [] as number[], cold: [] as number[], warm: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      const url = await pg.createDatabase('bench_start', { migrate: false });
      const env = productEnv(url, emulator.url, smtp.url);
      const bare = await start(['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(process.env.PORT)"], {}, '/');
      await bare.stop();
      result.baseline.push(bare.ms);
      for (const kind of ['cold', 'warm'] as const) {
        const product = await start(['dist/src/main.js'], env, '/readyz');
        await product.stop();
        result[kind].push(product.ms);
      }
    }
  } finally {
    await Promise.all([emulator.stop(), smtp.close()]);
  }
  return { baseline: summarise(result.baseline), cold: summarise(result.cold), warm: summarise(result.warm) };
}

export async function benchRest(pg: BenchPostgres, runs: number): Promise<RestResult> {
  const url = await pg.createDatabase('bench_rest');
  const emulator = await startEmulatorProcess();
  const smtp = await startSmtpCatcher({ keep: 0 });
  const rss: number[] = [];
  try {
    const { rows } = await query(url, 'SELECT slug FROM campaigns LIMIT 1');
    for (let i = 0; i < runs; i++) {
      const product = await start(['dist/src/main.js'], productEnv(url, emulator.url, smtp.url), '/readyz');
      try {
        const slug = rows[0]?.slug as string | undefined;
        await (await fetch(`${product.url}/`)).arrayBuffer();
        if (slug) {
          await (await fetch(`${product.url}/api/campaigns/${slug}/progress`)).arrayBuffer();
          await (
            await fetch(`${product.url}/api/pledges`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ campaign: slug, amount: 2500, currency: 'usd', frequency: 'once', email: 'rest@example.org' }),
            })
          ).arrayBuffer();
        }
        await new Promise((r) => setTimeout(r, 3000));
        rss.push(rssOf(product.pid) / 1024);
      } finally {
        await product.stop();
      }
    }
  } finally {
    await Promise.all([emulator.stop(), smtp.close()]);
  }
  return { rssMb: summarise(rss) };
}
