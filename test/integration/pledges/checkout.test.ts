// Pledges become Checkout Sessions, checked on what the emulator (Stripe's stand-in) received.
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, captureLogs, emulatorStripe, startEmulator, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let app: ReturnType<typeof buildApp>;

const valid = { campaign: 'winter', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };
const sessionCreates = () => emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions');

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  app = buildApp(db, { stripe: emulatorStripe(emulator, 1500), checkoutOrigin: emulator.url });
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE pledges, campaigns CASCADE');
  await insertCampaign(db, { slug: 'winter', currency: 'usd' });
  emulator.requests.length = 0;
  emulator.setFailureMode(null);
});
afterEach(() => emulator.setFailureMode(null));

describe('one-time and monthly sessions', () => {
  it('creates a one-time donation session with the right parameters', async () => {
    const res = await request(app)
      .post('/api/pledges')
      .send({ ...valid, name: 'Ann Lee', message: 'Keep going', dedication: 'For Sam', anonymous: true })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'pending', checkoutSessionId: expect.stringMatching(/^cs_/) });
    expect(res.body.checkoutUrl).toMatch(new RegExp(`^${emulator.url}/checkout/cs_`));

    const [create] = sessionCreates();
    expect(create!.body).toMatchObject({
      mode: 'payment',
      submit_type: 'donate',
      customer_email: 'donor@example.org',
      client_reference_id: res.body.id,
      metadata: { pledge_id: res.body.id, campaign: 'winter' },
      payment_intent_data: { metadata: { pledge_id: res.body.id, campaign: 'winter' } },
      success_url: 'http://donate.test/donate/thanks?session_id={CHECKOUT_SESSION_ID}',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '2500', product_data: { name: 'Donation: Test campaign' } } }],
    });
    expect(create!.body.cancel_url).toBe('http://donate.test/donate/cancelled?campaign=winter&amount=2500&frequency=once');
    expect(create!.body.line_items[0].price_data.recurring).toBeUndefined();
    const expiresIn = Number(create!.body.expires_at) - Date.now() / 1000;
    expect(expiresIn).toBeGreaterThan(30 * 60);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600);
    expect(create!.headers['idempotency-key']).toBe(`pledge-checkout-${res.body.id}`);

    const pledge = await db.prisma.pledge.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(pledge).toMatchObject({
      amount: 2500, coveredFee: 0, currency: 'usd', frequency: 'once', email: 'donor@example.org', name: 'Ann Lee',
      anonymous: true, message: 'Keep going', dedication: 'For Sam', status: 'pending', checkoutSessionId: res.body.checkoutSessionId,
    });
  });

  it('creates a monthly donation as a subscription with a monthly price', async () => {
    const res = await request(app).post('/api/pledges').send({ ...valid, frequency: 'monthly' }).expect(201);
    const [create] = sessionCreates();
    expect(create!.body).toMatchObject({
      mode: 'subscription',
      subscription_data: { metadata: { pledge_id: res.body.id, campaign: 'winter' } },
      line_items: [{ price_data: { currency: 'usd', unit_amount: '2500', recurring: { interval: 'month' } } }],
    });
    expect(create!.body.submit_type).toBeUndefined();
    expect(create!.body.payment_intent_data).toBeUndefined();
  });

  it('grosses the amount up when the donor covers the fee, keeping both parts', async () => {
    const res = await request(app).post('/api/pledges').send({ ...valid, coverFees: true }).expect(201);
    const pledge = await db.prisma.pledge.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(pledge).toMatchObject({ amount: 2606, coveredFee: 106, coverFees: true });
    expect(sessionCreates()[0]!.body.line_items[0].price_data.unit_amount).toBe('2606');
  });

  it('takes zero-decimal currencies in their own units', async () => {
    await insertCampaign(db, { slug: 'tokyo', currency: 'jpy' });
    await request(app).post('/api/pledges').send({ ...valid, campaign: 'tokyo', currency: 'JPY', amount: 3000 }).expect(201);
    expect(sessionCreates()[0]!.body.line_items[0].price_data).toMatchObject({ currency: 'jpy', unit_amount: '3000' });
  });
});

describe('idempotency', () => {
  it('a retried request with the same Idempotency-Key makes one pledge and one session', async () => {
    const first = await request(app).post('/api/pledges').set('Idempotency-Key', 'double-click-1').send(valid).expect(201);
    const second = await request(app).post('/api/pledges').set('Idempotency-Key', 'double-click-1').send(valid).expect(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await db.prisma.pledge.count()).toBe(1);
    expect(sessionCreates()).toHaveLength(1);
  });

  it('concurrent requests with one Idempotency-Key make one pledge and one session', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => request(app).post('/api/pledges').set('Idempotency-Key', 'burst-7').send(valid)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((r) => r.body.checkoutSessionId)).size).toBe(1);
    expect(await db.prisma.pledge.count()).toBe(1);
    const sessions = new Set(sessionCreates().map((r) => r.headers['idempotency-key']));
    expect(sessions.size).toBe(1);
  });

  it('the same Idempotency-Key with a different body is a 409 and changes nothing', async () => {
    await request(app).post('/api/pledges').set('Idempotency-Key', 'k-409').send(valid).expect(201);
    const res = await request(app).post('/api/pledges').set('Idempotency-Key', 'k-409').send({ ...valid, amount: 5000 }).expect(409);
    expect(res.body.error.code).toBe('conflict');
    expect(await db.prisma.pledge.count()).toBe(1);
    expect((await db.prisma.pledge.findFirstOrThrow()).amount).toBe(2500);
  });

  it('without a key, each request is its own pledge', async () => {
    await request(app).post('/api/pledges').send(valid).expect(201);
    await request(app).post('/api/pledges').send(valid).expect(201);
    expect(await db.prisma.pledge.count()).toBe(2);
  });
});

describe('when Stripe fails', () => {
  it.each([
    ['a 500', { status: 500 as const, times: 10 }, 503, 'stripe_unavailable'],
    ['rate limiting', { status: 429 as const, times: 10 }, 503, 'stripe_unavailable'],
    ['a timeout', { hang: true as const, times: 10 }, 503, 'stripe_unavailable'],
    ['a bad key', { status: 401 as const, times: 10 }, 502, 'stripe_error'],
  ])('%s gives a clear error, leaves nothing countable, and a retry succeeds', async (_label, mode, status, code) => {
    emulator.setFailureMode(mode);
    const failed = await request(app).post('/api/pledges').set('Idempotency-Key', `outage-${code}-${status}`).send(valid).expect(status);
    expect(failed.body.error.code).toBe(code);
    expect(failed.body.error.message).toMatch(/not been charged/);
    const pledge = await db.prisma.pledge.findFirstOrThrow();
    expect(pledge).toMatchObject({ status: 'failed', checkoutSessionId: null });
    expect(await db.prisma.payment.count()).toBe(0);

    emulator.setFailureMode(null);
    const retried = await request(app).post('/api/pledges').set('Idempotency-Key', `outage-${code}-${status}`).send(valid).expect(201);
    expect(retried.body).toMatchObject({ id: pledge.id, status: 'pending' });
    expect(await db.prisma.pledge.count()).toBe(1);
  }, 20_000);

  it('a database outage gives 503 before Stripe is called', async () => {
    const { createDatabase } = await import('../../../src/db/client.ts');
    const down = createDatabase('postgresql://postgres:postgres@127.0.0.1:9/none');
    const broken = buildApp(down, { stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url });
    const res = await request(broken).post('/api/pledges').send(valid).expect(503);
    expect(res.body.error.code).toBe('service_unavailable');
    expect(sessionCreates()).toHaveLength(0);
    await down.close();
  });
});

describe('card-testing defence', () => {
  it('limits pledges per client address with 429 and Retry-After, and logs it', async () => {
    const { logger, entries } = captureLogs('info');
    const limited = buildApp(db, {
      stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url, logger,
      config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '3', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '100' }),
    });
    for (let i = 0; i < 3; i++) await request(limited).post('/api/pledges').send(valid).expect(201);
    const res = await request(limited).post('/api/pledges').send(valid).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(await db.prisma.pledge.count()).toBe(3);
    expect(entries().some((e) => e.msg === 'pledge rate limit hit' && e.limiter === 'per-client')).toBe(true);
    expect(entries().filter((e) => e.msg === 'pledge created')).toHaveLength(3);
  });

  it('limits pledges globally across client addresses', async () => {
    const limited = buildApp(db, {
      stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url,
      config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '100', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '2', TRUST_PROXY: '1' }),
    });
    await request(limited).post('/api/pledges').set('X-Forwarded-For', '203.0.113.1').send(valid).expect(201);
    await request(limited).post('/api/pledges').set('X-Forwarded-For', '203.0.113.2').send(valid).expect(201);
    const res = await request(limited).post('/api/pledges').set('X-Forwarded-For', '203.0.113.3').send(valid).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
  });
});
