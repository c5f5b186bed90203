// The schema engine is a large WebAssembly module (tens of MB of linear memory) that a running
// service needs once, at start. Running it in a worker thread gives that memory back when the
// worker exits, instead of keeping it in the server for its whole life.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MigrationError, migrationsUpToDate } from './migration-state.ts';

export async function applyMigrationsIsolated(url: string): Promise<string[]> {
  // Most starts find the database up to date: one query says so, and the engine is not loaded.
  if (await migrationsUpToDate(url)) return [];
  return applyInWorker(url);
}

function applyInWorker(url: string): Promise<string[]> {
  // Same extension as this file: .ts under tsx, .js when built.
  const here = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(here), `migration-worker${path.extname(here)}`);
  return new Promise((resolve, reject) => {
    // Under tsx (development) the worker registers the TypeScript loader itself: loader hooks
    // are per thread. Built, it is plain JavaScript.
    const entry = JSON.stringify(pathToFileURL(script).href);
    const code = script.endsWith('.ts')
      ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); })`
      : `import(${entry})`;
    const worker = new Worker(code, { eval: true, workerData: { url } });
    let settled = false;
    worker.once('message', (message: { applied?: string[]; error?: string }) => {
      settled = true;
      if (message.error !== undefined) reject(new MigrationError(message.error, []));
      else resolve(message.applied ?? []);
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`migration worker exited with code ${code}`));
    });
  });
}
