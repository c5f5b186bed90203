// Issue 12, item 1: the global pledge limit must not be a lock-out switch. The app runs on a real
// port with the default limits (10 a minute per address, 600 a minute in all) and TRUST_PROXY=0;
// attackers are real client addresses across 127.0.0.0/8, not forged headers; the donor reaches
// the emulator's Checkout page.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mapConcurrent } from '../../../bench/lib/pool.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { loopbackAddress, postJsonFrom, requestFrom } from '../../helpers/source-address.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let server: Awaited<ReturnType<typeof listen>> | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  await insertCampaign(db, { slug: 'year-end' });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

/** The app as production configures it: default limits, client address from the socket. */
async function start() {
  const app = buildApp(db, {
    stripe: emulatorStripe(emulator, 10_000),
    checkoutOrigin: emulator.url,
    config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '10', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '600', TRUST_PROXY: '0' }),
  });
  server = await listen(app);
  return server.url;
}

const pledge = { campaign: 'year-end', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };

/** A donor on an address never seen before gives, and their Checkout page opens. */
async function donorReachesCheckout(url: string, address: string) {
  const res = await postJsonFrom(address, `${url}/api/pledges`, pledge);
  expect(res.status, res.body).toBe(201);
  const checkout = await requestFrom(address, res.json().checkoutUrl);
  expect(checkout.status).toBe(200);
}

const count = (statuses: number[]) => statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

describe('the global limit against many addresses', () => {
  it('junk from 61 addresses (10 text/plain posts each) uses none of the donors\' budget', async () => {
    const url = await start();
    const statuses = await mapConcurrent(Array.from({ length: 61 * 10 }, (_, i) => i), 16, (i) =>
      requestFrom(loopbackAddress(61, i % 61), `${url}/api/pledges`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'amount=25' }).then((r) => r.status));
    expect(count(statuses)).toEqual({ 415: 610 });
    for (let i = 0; i < 5; i++) await donorReachesCheckout(url, loopbackAddress(62, i));
  }, 60_000);

  it('100 addresses flooding valid pledges cannot lock out a donor on a fresh address, nor push Stripe past the budget', async () => {
    const url = await start();
    const sessionsBefore = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions').length;
    const started = Date.now();
    // Each address sends 12 in a row (two beyond its own limit of 10 a minute), 24 at a time.
    const answers = await mapConcurrent(Array.from({ length: 100 * 12 }, (_, i) => i), 24, (i) =>
      postJsonFrom(loopbackAddress(63, Math.floor(i / 12)), `${url}/api/pledges`, { ...pledge, email: `bot${i}@example.org` }).then((r) => r.status));
    const statuses = count(answers);
    expect(Object.keys(statuses).sort()).toEqual(['201', '429']);
    const minutes = (Date.now() - started) / 60_000;
    // A minute of budget in the bucket, plus what it refilled while the attack ran.
    expect(statuses[201]).toBeLessThanOrEqual(600 + Math.ceil(600 * minutes));
    const sessions = emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions').length - sessionsBefore;
    expect(sessions).toBe(statuses[201]);

    // No address got more than its own limit through; the last attacker is still held back, a
    // donor is not.
    for (let a = 0; a < 100; a++) expect(answers.slice(a * 12, a * 12 + 12).filter((s) => s === 201).length).toBeLessThanOrEqual(10);
    expect((await postJsonFrom(loopbackAddress(63, 99), `${url}/api/pledges`, pledge)).status).toBe(429);
    for (let i = 0; i < 20; i++) await donorReachesCheckout(url, loopbackAddress(64, i));
  }, 120_000);
});
