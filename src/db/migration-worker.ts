// Runs in a worker thread (see migrate-isolated.ts): applies the migrations, reports, exits.
import { parentPort, workerData } from 'node:worker_threads';
import { applyMigrations } from './migrator.ts';

try {
  const applied = await applyMigrations(workerData.url as string);
  parentPort!.postMessage({ applied });
} catch (error) {
  parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
