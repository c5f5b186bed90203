// Scenario 3: GET /api/admin/exports/payments.csv of a million payments, streamed by the app,
// against PostgreSQL's own COPY (the same rows, joined and ordered the same way) TO STDOUT WITH
// CSV read by a Node client through pg-copy-streams. Also the app's peak RSS during the export.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { generateKey } from '../../src/admin/admin-key.ts';
import { query } from '../lib/database.ts';
import { startEmulatorProcess, startProduct } from '../lib/product.ts';
import { summarise, type Summary } from '../lib/stats.ts';

export interface ExportResult {
  baseline: Summary;
  product: Summary;
  peakRssMb: Summary;
  rows: number;
  bytes: number;
}

const COPY_SQL = `COPY (
  SELECT p.id, p.pledge_id, c.slug, p.paid_at, pl.name, pl.email, pl.anonymous, pl.frequency, p.currency,
    p.amount, p.fee, p.net, p.amount_refunded, p.dispute_status, pl.checkout_session_id, p.stripe_payment_intent_id,
    p.stripe_charge_id, p.stripe_invoice_id, p.stripe_balance_transaction_id, p.stripe_payout_id,
    p.payout_arrival_date, p.status
  FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id
  ORDER BY p.paid_at NULLS LAST, p.id
) TO STDOUT WITH CSV HEADER`;

async function timeCopy(url: string): Promise<{ mbPerSecond: number; bytes: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    let bytes = 0;
    for await (const chunk of client.query(copyTo(COPY_SQL))) bytes += (chunk as Buffer).length;
    return { mbPerSecond: bytes / 1e6 / ((performance.now() - started) / 1000), bytes };
  } finally {
    await client.end();
  }
}

// Rows counted with the native byte search: a JavaScript loop over every byte cost the harness
// about 1.3 s of CPU per export on this machine (measured), CPU taken from the product it measures,
// while the baseline's reader does no per-byte work at all.
function newlines(chunk: Uint8Array): number {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count++;
  return count;
}

async function timeExport(url: string, key: string): Promise<{ mbPerSecond: number; bytes: number; rows: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
  if (!res.ok || !res.body) throw new Error(`export: ${res.status}`);
  let bytes = 0;
  let rows = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    rows += newlines(chunk);
  }
  return { mbPerSecond: bytes / 1e6 / ((performance.now() - started) / 1000), bytes, rows: rows - 1 };
}

/** `url` holds `count` payments in all (see seedLargeDatabase). */
export async function benchExport(url: string, runs: number, count: number): Promise<ExportResult> {
  const { key, hash, prefix } = generateKey();
  await query(url, `INSERT INTO admin_keys (label, key_hash, prefix) VALUES ('bench', $1, $2)`, [hash, prefix]);
  const emulator = await startEmulatorProcess();
  const product = await startProduct(url, emulator.url);
  const result = { baseline: [] as number[], product: [] as number[], rss: [] as number[] };
  let bytes = 0;
  try {
    for (let i = 0; i < runs; i++) {
      result.baseline.push((await timeCopy(url)).mbPerSecond);
      const before = product.maxRssMb();
      const exported = await timeExport(`${product.url}/api/admin/exports/payments.csv`, key);
      if (exported.rows !== count) throw new Error(`export gave ${exported.rows} rows, expected ${count}`);
      bytes = exported.bytes;
      result.product.push(exported.mbPerSecond);
      result.rss.push(Math.max(before, product.maxRssMb()));
    }
  } finally {
    await Promise.all([product.stop(), emulator.stop()]);
  }
  return { baseline: summarise(result.baseline), product: summarise(result.product), peakRssMb: summarise(result.rss), rows: count, bytes };
}
