// Issue 12, item 2: ten CSV exports whose client never reads used to hold ten connections of the
// one pool of ten and keep /readyz, progress and pledges at 503 for as long as they stayed open.
// Here the real condition: an export larger than the socket buffers, clients that never read,
// on a real port. Exports now run on the admin pool, at most two at once (429 JSON beyond), and
// one whose client takes nothing for the stall time is ended and its connection given back.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../../../src/http/capacity.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign, insertPledge } from '../../helpers/factories.ts';
import { loopbackAddress, postJsonFrom, requestFrom } from '../../helpers/source-address.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';

const STALL_MS = 2_000; // production waits DEFAULT_CAPACITY.exports.stallMs; the mechanism is the same

let db: TestDatabase;
let emulator: StripeEmulator;
let server: Awaited<ReturnType<typeof listen>>;
let auth: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  const campaign = await insertCampaign(db, { slug: 'year-end' });
  const bulk = await insertPledge(db, campaign.id, { amount: 5000 });
  // About 20 MB of CSV: far more than the kernel's socket buffers hold for a client that never reads.
  await db.pool.query('ALTER TABLE payments DISABLE TRIGGER USER');
  await db.pool.query(`
    INSERT INTO payments (pledge_id, campaign_id, status, currency, amount, fee, net, stripe_payment_intent_id, paid_at)
    SELECT $1, $2, 'succeeded', 'usd', 5000, 175, 4825, 'pi_stalled_' || i, '2026-10-01'::timestamptz + i * interval '1 second'
    FROM generate_series(1, 100000) i`, [bulk.id, campaign.id]);
  await db.pool.query('ALTER TABLE payments ENABLE TRIGGER USER');
  auth = bearer((await mintKey(db)).key);
  const app = buildApp(db, { stripe: emulatorStripe(emulator, 10_000), checkoutOrigin: emulator.url, capacity: { exports: { stallMs: STALL_MS } } });
  server = await listen(app);
}, 120_000);
afterAll(async () => {
  await server.close();
  await emulator.stop();
  await db.drop();
});

interface Stalled {
  status: Promise<number>;
  /** Starts reading again; resolves with the bytes that arrived and whether the body was complete. */
  drain(): Promise<{ bytes: number; complete: boolean }>;
  destroy(): void;
}

/** An export request whose client reads the status line and then nothing at all. */
function stalledExport(address: string): Stalled {
  const req = http.get(`${server.url}/api/admin/exports/payments.csv`, { headers: auth, localAddress: address, agent: false });
  req.on('error', () => {});
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', (res) => {
      res.pause();
      resolve(res);
    });
    req.once('error', reject);
  });
  return {
    status: response.then((res) => res.statusCode ?? 0),
    async drain() {
      const res = await response;
      return new Promise((resolve) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.once('end', () => resolve({ bytes, complete: res.complete }));
        res.once('error', () => resolve({ bytes, complete: false }));
        res.once('close', () => resolve({ bytes, complete: res.complete }));
        res.resume();
      });
    },
    destroy: () => req.destroy(),
  };
}

describe('stalled exports', () => {
  it('cannot take the public site down: capped, on their own pool, and ended when their client stops reading', async () => {
    expect(DEFAULT_CAPACITY.exports.stallMs).toBe(30_000);
    const attacker = loopbackAddress(70, 1);
    const exports = Array.from({ length: 10 }, () => stalledExport(attacker));
    const statuses = await Promise.all(exports.map((e) => e.status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(DEFAULT_CAPACITY.exports.concurrent);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10 - DEFAULT_CAPACITY.exports.concurrent);

    // A refused export says why, in JSON.
    const refused = await requestFrom(loopbackAddress(70, 2), `${server.url}/api/admin/exports/payments.csv`, { headers: auth });
    expect(refused.status).toBe(429);
    expect(refused.json().error.code).toBe('too_many_exports');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // While two exports sit stalled, the public site answers, from other addresses.
    for (let i = 0; i < 5; i++) {
      const donor = loopbackAddress(71, i);
      expect((await requestFrom(donor, `${server.url}/readyz`, { timeoutMs: 3_000 })).status).toBe(200);
      expect((await requestFrom(donor, `${server.url}/api/campaigns/year-end/progress`, { timeoutMs: 3_000 })).status).toBe(200);
      const pledge = await postJsonFrom(donor, `${server.url}/api/pledges`, {
        campaign: 'year-end', amount: 2500, currency: 'usd', frequency: 'once', email: `donor${i}@example.org`,
      });
      expect(pledge.status, pledge.body).toBe(201);
    }

    // The stalled ones are ended by the server: their database connections are given back, and a
    // client that reads again finds the response cut short (what the socket buffers held, not the
    // 20 MB export).
    await expect.poll(() => db.admin.pool.totalCount - db.admin.pool.idleCount, { timeout: STALL_MS + 10_000, interval: 200 }).toBe(0);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '/* admin-export:%' AND state <> 'idle' AND pid <> pg_backend_pid()",
    );
    expect(rows[0].n).toBe(0);
    for (const stalled of exports.filter((_, i) => statuses[i] === 200)) {
      const { complete } = await stalled.drain();
      expect(complete).toBe(false);
    }

    // And the slots are free again: a new export runs to the end.
    const after = await requestFrom(loopbackAddress(70, 3), `${server.url}/api/admin/exports/payments.csv?from=2030-01-01`, { headers: auth });
    expect(after.status).toBe(200);
    expect(after.body).toMatch(/^payment_id,/);
    for (const e of exports) e.destroy();
  }, 90_000);
});
