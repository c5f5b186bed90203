// Issue 12, item 3: live progress streams used to be unlimited; ~20,000 from one host used up the
// file descriptors (new requests refused, Stripe calls failing for lack of sockets). Streams are
// now capped per client address (the production default) and in total (lowered here so the test
// need not open thousands), with a JSON answer beyond the cap; polling and donations still work,
// and a closed stream gives its slot back. Real sockets, real client addresses, TRUST_PROXY=0.
import http from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../../../src/http/capacity.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { loopbackAddress, postJsonFrom, requestFrom } from '../../helpers/source-address.ts';

const TOTAL = 40;
const PER_CLIENT = DEFAULT_CAPACITY.streams.perClient;

let db: TestDatabase;
let emulator: StripeEmulator;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  await insertCampaign(db, { slug: 'year-end' });
});
// Each test on an instance of its own: its counts start at zero.
beforeEach(async () => {
  const app = buildApp(db, { stripe: emulatorStripe(emulator, 10_000), checkoutOrigin: emulator.url, capacity: { streams: { total: TOTAL } } });
  server = await listen(app);
});
afterEach(() => server.close());
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

interface Opened {
  status: number;
  contentType: string;
  body?: string;
  close(): void;
}

/** Opens the progress stream from `address`: a live stream stays open, a refusal is read whole. */
function openStream(address: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}/api/campaigns/year-end/progress/stream`, { localAddress: address, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      const close = () => req.destroy();
      if (contentType.startsWith('text/event-stream')) {
        res.once('data', () => resolve({ status: res.statusCode ?? 0, contentType, close }));
        return;
      }
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, body, close }));
    });
  });
}

describe('progress streams', () => {
  it('per client address: the streams beyond the cap are a 429 in JSON; polling and giving still work', async () => {
    const address = loopbackAddress(80, 1);
    const streams: Opened[] = [];
    for (let i = 0; i < PER_CLIENT + 4; i++) streams.push(await openStream(address));
    expect(streams.filter((s) => s.status === 200 && s.contentType.startsWith('text/event-stream'))).toHaveLength(PER_CLIENT);
    const refused = streams.filter((s) => s.status !== 200);
    expect(refused).toHaveLength(4);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(JSON.parse(r.body!).error.code).toBe('too_many_streams');
    }
    // The same address still polls, and still gives.
    expect((await requestFrom(address, `${server.url}/api/campaigns/year-end/progress`)).status).toBe(200);
    const pledge = await postJsonFrom(address, `${server.url}/api/pledges`, { campaign: 'year-end', amount: 2500, currency: 'usd', frequency: 'once', email: 'a@example.org' });
    expect(pledge.status, pledge.body).toBe(201);
    // A closed stream gives its slot back.
    streams[0]!.close();
    await expect.poll(async () => {
      const again = await openStream(address);
      again.close();
      return again.status;
    }, { timeout: 5_000 }).toBe(200);
    for (const s of streams) s.close();
  });

  it('in total: beyond the cap a 503 in JSON, for everyone; polling is not capped', async () => {
    const streams: Opened[] = [];
    for (let i = 0; i < TOTAL + 5; i++) streams.push(await openStream(loopbackAddress(81, i)));
    expect(streams.filter((s) => s.status === 200)).toHaveLength(TOTAL);
    const refused = streams.filter((s) => s.status !== 200);
    expect(refused.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    expect(JSON.parse(refused[0]!.body!).error.code).toBe('streams_full');
    for (let i = 0; i < 20; i++) {
      expect((await requestFrom(loopbackAddress(82, i), `${server.url}/api/campaigns/year-end/progress`)).status).toBe(200);
    }
    for (const s of streams) s.close();
  });
});
