// Faults injected over HTTP into the standalone emulator (`npm run emulator`, its own process), met
// by two app instances that share it, the way the chaos run and a multi-instance setup use it.
import { spawn, type ChildProcess } from 'node:child_process';
import Stripe from 'stripe';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/db/embedded-postgres.ts';
import { createStripeClient } from '../../../src/stripe/stripe-client.ts';
import { buildApp, TEST_WEBHOOK_SECRET } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { donationSessionParams } from 'stripe-emulator/test-harness';

const KEY = 'sk_test_standalone';
let child: ChildProcess;
let url: string;
let db: TestDatabase;
let stripe: Stripe;

async function waitUntilServing(): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the emulator exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/v1/events`, { headers: { Authorization: `Bearer ${KEY}` } }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error('the emulator did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The test helper over plain HTTP, as a script or another process would call it. */
async function faults(method: 'POST' | 'GET' | 'DELETE', params: Record<string, string> = {}, id = '') {
  const res = await fetch(`${url}/v1/test_helpers/faults${id ? `/${id}` : ''}`, {
    method,
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: method === 'POST' ? new URLSearchParams(params).toString() : undefined,
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', 'tsx', 'packages/stripe-emulator/src/cli.ts'], {
    env: { ...process.env, STRIPE_EMULATOR_PORT: String(port), STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET, STRIPE_EMULATOR_WEBHOOKS: 'off', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  db = await createTestDatabase();
  stripe = new Stripe(KEY, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });
  await waitUntilServing();
}, 90_000);
afterEach(async () => {
  await faults('DELETE');
});
afterAll(async () => {
  child?.kill('SIGTERM');
  await db?.drop();
});

describe('POST /v1/test_helpers/faults on the standalone emulator', () => {
  it('fails the matching requests of every app instance, then lets them through', async () => {
    await db.pool.query('TRUNCATE pledges, campaigns CASCADE');
    await insertCampaign(db, { slug: 'winter', currency: 'usd' });
    const instance = () =>
      buildApp(db, {
        stripe: createStripeClient({ secretKey: KEY, host: '127.0.0.1', port: Number(new URL(url).port), protocol: 'http', maxNetworkRetries: 0 }),
        checkoutOrigin: url,
      });
    const [a, b] = [instance(), instance()];
    const pledge = { campaign: 'winter', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };

    const made = await faults('POST', { status: '500', method: 'POST', path: '/v1/checkout/sessions' });
    expect(made).toMatchObject({ status: 200, body: { object: 'test_helpers.fault', status: 500, method: 'POST', path: '/v1/checkout/sessions', remaining: null, expires_at: null } });
    for (const app of [a, b]) {
      const res = await request(app).post('/api/pledges').send(pledge).expect(503);
      expect(res.body.error.code).toBe('stripe_unavailable');
    }
    // Other paths and methods are untouched, and so are the test helpers.
    await expect(stripe.checkout.sessions.list()).resolves.toMatchObject({ object: 'list' });
    expect((await faults('GET')).body.data).toHaveLength(1);

    await faults('DELETE', {}, made.body.id as string);
    for (const app of [a, b]) await request(app).post('/api/pledges').send(pledge).expect(201);
  }, 30_000);

  it('429 and 401 with Stripe\'s bodies, for `count` matching requests, oldest fault first', async () => {
    await faults('POST', { status: '429', path: '/v1/charges*', count: '1' });
    await faults('POST', { status: '401', path: '/v1/charges*', count: '1' });
    const limited = await stripe.charges.list().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect((limited as Stripe.errors.StripeError).raw).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
    const refused = await stripe.charges.retrieve('ch_any').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((refused as Stripe.errors.StripeError).raw).toMatchObject({ type: 'invalid_request_error' });
    await expect(stripe.charges.list()).resolves.toMatchObject({ object: 'list' });
    expect((await faults('GET')).body.data).toEqual([]);
  });

  it('a fault with duration_ms ends by itself; a timeout fault leaves the request unanswered', async () => {
    await faults('POST', { status: '500', duration_ms: '600' });
    await expect(stripe.events.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    await new Promise((r) => setTimeout(r, 700));
    await expect(stripe.events.list()).resolves.toMatchObject({ object: 'list' });

    await faults('POST', { status: 'timeout', method: 'POST', count: '1' });
    const impatient = new Stripe(KEY, { host: '127.0.0.1', port: Number(new URL(url).port), protocol: 'http', maxNetworkRetries: 0, timeout: 300 });
    await expect(impatient.checkout.sessions.create(donationSessionParams())).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    // Nothing ran and nothing was saved under the key: the same request with the same key now succeeds once.
    const key = 'after-timeout';
    await faults('POST', { status: 'timeout', method: 'POST', count: '1' });
    await expect(impatient.checkout.sessions.create(donationSessionParams(), { idempotencyKey: key })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const made = await stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: key });
    const again = await stripe.checkout.sessions.create(donationSessionParams(), { idempotencyKey: key });
    expect(again.id).toBe(made.id);
  });

  it('refuses a bad fault with Stripe\'s parameter errors', async () => {
    expect(await faults('POST', {})).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', code: 'parameter_missing', param: 'status' } } });
    expect(await faults('POST', { status: '418' })).toMatchObject({ status: 400, body: { error: { param: 'status' } } });
    expect(await faults('POST', { status: '500', count: '0' })).toMatchObject({ status: 400, body: { error: { param: 'count' } } });
    expect(await faults('POST', { status: '500', path: 'v1/charges' })).toMatchObject({ status: 400, body: { error: { param: 'path' } } });
    expect(await faults('DELETE', {}, 'fault_nope')).toMatchObject({ status: 404, body: { error: { code: 'resource_missing' } } });
  });
});
