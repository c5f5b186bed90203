// GET /metrics, scraped over HTTP as Prometheus does: each metric moves when its event really
// happens (requests, webhook deliveries from the emulator, donations, exports, event streams, the
// pool, the inbox), labels stay bounded whatever paths callers send, and nobody reads it without
// the admin key (or on METRICS_PORT, which serves it alone).
import http from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminKeyRepository } from '../../src/admin/admin-key-repository.ts';
import { createAdminKeyService } from '../../src/admin/admin-key-service.ts';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { startMetricsServer, type MetricsServer } from '../../src/metrics/metrics-routes.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, testConfig } from '../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../helpers/database.ts';
import { insertCampaign } from '../helpers/factories.ts';
import { hasSeries, parseMetrics, valueOf, type Sample } from '../helpers/prometheus.ts';
import { bearer, mintKey } from './admin/admin-fixtures.ts';
import { deliver } from './webhooks/webhook-harness.ts';
import { stripeFixture } from '../helpers/stripe-fixtures.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let metrics: Metrics;
let app: ReturnType<typeof buildApp>;
let server: Awaited<ReturnType<typeof listen>>;
let metricsServer: MetricsServer;
let key: string;

const valid = { campaign: 'winter', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };

beforeAll(async () => {
  db = await createTestDatabase();
  let handler: Parameters<typeof listen>[0] = (_req, res) => res.writeHead(503).end();
  server = await listen((req, res) => handler(req, res));
  emulator = await startEmulator({ webhookUrls: [`${server.url}/webhooks/stripe`], deliverWebhooks: true });
  metrics = createMetrics();
  app = buildApp(db, { stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url, metrics });
  handler = app as never;
  metricsServer = await startMetricsServer(metrics, 0);
});
afterAll(async () => {
  await metricsServer?.close();
  await emulator?.stop();
  await server?.close();
  await db?.drop();
});
beforeEach(async () => {
  await truncateAll(db);
  await insertCampaign(db, { slug: 'winter' });
  key = (await mintKey(db)).key;
  emulator.setFailureMode(null);
});

async function scrape(): Promise<Sample[]> {
  const res = await request(app).get('/metrics').set(bearer(key)).expect(200);
  return parseMetrics(res.text);
}

/** Scrapes before and after `action`; returns how much the selected series moved. */
async function delta(action: () => Promise<unknown>, name: string, labels: Record<string, string>): Promise<number> {
  const before = valueOf(await scrape(), name, labels);
  await action();
  return valueOf(await scrape(), name, labels) - before;
}

describe('access', () => {
  it('answers 401 without the admin key, or with a wrong or revoked one, and the metrics with it', async () => {
    const none = await request(app).get('/metrics').expect(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.text).not.toMatch(/http_request_duration_seconds/);
    await request(app).get('/metrics').set(bearer('dk_live_not_a_key_at_all_0000000000000000')).expect(401);
    await request(app).get('/metrics').set('Authorization', `Basic ${key}`).expect(401);
    const revoked = await mintKey(db, 'revoked');
    await createAdminKeyService({ keys: createAdminKeyRepository(db) }).revoke(revoked.id);
    await request(app).get('/metrics').set(bearer(revoked.key)).expect(401);

    const res = await request(app).get('/metrics').set(bearer(key)).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^# HELP /m);
    expect(res.text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('METRICS_PORT serves /metrics alone, without a key, and nothing else', async () => {
    const url = `http://127.0.0.1:${metricsServer.port}`;
    const res = await request(url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(parseMetrics(res.text).length).toBeGreaterThan(10);
    for (const path of ['/', '/api/campaigns', '/api/admin/pledges', '/openapi.json']) {
      expect((await request(url).get(path).expect(404)).body.error.code).toBe('not_found');
    }
    await request(url).post('/metrics').expect(404);
  });
});

describe('requests', () => {
  it('counts requests by route pattern and status, never by the raw path', async () => {
    const samples0 = await scrape();
    const counted = (samples: Sample[], route: string, status: string, method = 'GET') =>
      valueOf(samples, 'http_request_duration_seconds_count', { method, route, status });

    await request(app).get('/api/campaigns/winter').expect(200);
    await request(app).get('/API/Campaigns/winter').expect(200);
    await request(app).get('/api/campaigns/no-such-campaign-x1').expect(404);
    await request(app).get('/api/admin/campaigns-x2').expect(401);
    await request(app).get('/Api/Admin/pledges').set(bearer(key)).expect(200);
    await request(app).get('/api/admin/pledges?limit=-1').set(bearer(key)).expect(400);
    for (let i = 0; i < 5; i++) await request(app).get(`/random-${i}-x3`).expect(404);

    const samples = await scrape();
    expect(counted(samples, '/api/campaigns/:slug', '200') - counted(samples0, '/api/campaigns/:slug', '200')).toBe(2);
    expect(counted(samples, '/api/campaigns/:slug', '404') - counted(samples0, '/api/campaigns/:slug', '404')).toBe(1);
    expect(counted(samples, '/api/admin/pledges', '200') - counted(samples0, '/api/admin/pledges', '200')).toBe(1);
    // An error thrown in a nested router keeps its route's full pattern.
    expect(counted(samples, '/api/admin/pledges', '400') - counted(samples0, '/api/admin/pledges', '400')).toBe(1);
    expect(counted(samples, 'unmatched', '404') - counted(samples0, 'unmatched', '404')).toBeGreaterThanOrEqual(5);
    expect(counted(samples, 'unmatched', '401') - counted(samples0, 'unmatched', '401')).toBe(1);
    expect(valueOf(samples, 'http_request_duration_seconds_bucket', { route: '/api/campaigns/:slug', status: '200', le: '+Inf' }))
      .toBe(counted(samples, '/api/campaigns/:slug', '200'));
    const routes = new Set(samples.filter((s) => s.name === 'http_request_duration_seconds_count').map((s) => s.labels.route!));
    for (const route of routes) expect(route).toMatch(/^(unmatched|\/[a-z0-9/:._*-]*)$/);
    expect([...routes].some((r) => /x1|x2|x3|winter|Campaigns|Admin/.test(r))).toBe(false);
  });
});

describe('webhooks', () => {
  it('counts Stripe events by type and outcome, as the emulator delivers them and as forgers send them', async () => {
    const processed = { type: 'checkout.session.completed', outcome: 'processed', source: 'webhook' };
    const created = await request(app).post('/api/pledges').send(valid).expect(201);
    expect(await delta(async () => {
      await emulatorStripe(emulator).rawRequest('POST', `/v1/test_helpers/checkout/sessions/${created.body.checkoutSessionId}/pay`, {});
      await emulator.flushDeliveries();
    }, 'webhook_events_total', processed)).toBe(1);

    const refund = stripeFixture('charge.refunded');
    expect(await delta(() => deliver(app, refund).expect(200), 'webhook_events_total', { type: 'charge.refunded', outcome: 'deferred' })).toBe(1);
    expect(await delta(() => deliver(app, refund).expect(200), 'webhook_events_total', { type: 'charge.refunded', outcome: 'duplicate' })).toBe(1);

    const unhandled = { ...refund, id: 'evt_metrics_unhandled', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } };
    expect(await delta(() => deliver(app, unhandled).expect(200), 'webhook_events_total', { type: 'other', outcome: 'ignored' })).toBe(1);

    const broken = structuredClone(stripeFixture('checkout.session.completed.payment'));
    broken.id = 'evt_metrics_broken';
    delete broken.data.object.id;
    expect(await delta(() => deliver(app, broken).expect(200), 'webhook_events_total', { type: 'checkout.session.completed', outcome: 'failed' })).toBe(1);

    const forged = () => request(app).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send(JSON.stringify(refund)).expect(400);
    expect(await delta(forged, 'webhook_events_total', { type: 'unknown', outcome: 'rejected' })).toBe(1);

    // Stripe down while an event needs to read it: 503, nothing stored, Stripe will retry.
    const payout = {
      ...refund, id: 'evt_metrics_payout', type: 'payout.paid',
      data: { object: { id: 'po_metrics', object: 'payout', amount: 999, currency: 'usd', status: 'paid', arrival_date: Math.floor(Date.now() / 1000) } },
    };
    emulator.setFailureMode({ status: 500, times: 10 });
    expect(await delta(() => deliver(app, payout).expect(503), 'webhook_events_total', { type: 'payout.paid', outcome: 'error' })).toBe(1);
  });

  it('reports the age of the oldest pending and of the oldest failed event, and 0 when there is none', async () => {
    let samples = await scrape();
    expect(valueOf(samples, 'webhook_event_oldest_age_seconds', { status: 'pending' })).toBe(0);
    expect(valueOf(samples, 'webhook_event_oldest_age_seconds', { status: 'failed' })).toBe(0);

    await deliver(app, stripeFixture('charge.refunded')).expect(200); // deferred: its payment is unknown
    const broken = structuredClone(stripeFixture('checkout.session.completed.payment'));
    delete broken.data.object.id;
    await deliver(app, broken).expect(200); // failed for good
    // As if they had arrived a while ago.
    await db.pool.query("UPDATE webhook_events SET received_at = now() - interval '10 minutes' WHERE status = 'deferred'");
    await db.pool.query("UPDATE webhook_events SET received_at = now() - interval '2 hours' WHERE status = 'failed'");

    samples = await scrape();
    expect(valueOf(samples, 'webhook_event_oldest_age_seconds', { status: 'pending' })).toBeCloseTo(600, -1);
    expect(valueOf(samples, 'webhook_event_oldest_age_seconds', { status: 'failed' })).toBeCloseTo(7200, -1);
  });
});

describe('donations', () => {
  it('counts pledges created, and refused by reason, for the API and the form', async () => {
    const refused = (reason: string) => ['pledges_refused_total', { reason }] as const;
    expect(await delta(() => request(app).post('/api/pledges').send(valid).expect(201), 'pledges_created_total', { frequency: 'once' })).toBe(1);
    expect(await delta(() => request(app).post('/api/pledges').send({ ...valid, frequency: 'monthly' }).expect(201), 'pledges_created_total', { frequency: 'monthly' })).toBe(1);
    // A replay under the same key is the same pledge, not a new one.
    await request(app).post('/api/pledges').set('Idempotency-Key', 'metrics-1').send(valid).expect(201);
    expect(await delta(() => request(app).post('/api/pledges').set('Idempotency-Key', 'metrics-1').send(valid).expect(201), 'pledges_created_total', {})).toBe(0);

    expect(await delta(() => request(app).post('/api/pledges').send({ ...valid, amount: 1 }).expect(400), ...refused('validation_failed'))).toBe(1);
    expect(await delta(() => request(app).post('/api/pledges').set('Idempotency-Key', 'metrics-1').send({ ...valid, amount: 900 }).expect(409), ...refused('conflict'))).toBe(1);
    expect(await delta(() => request(app).post('/api/pledges').set('Content-Type', 'application/json').send('{"campaign": ').expect(400), ...refused('invalid_body'))).toBe(1);
    expect(await delta(() => request(app).post('/api/pledges').send({ ...valid, message: 'x'.repeat(20_000) }).expect(413), ...refused('payload_too_large'))).toBe(1);
    emulator.setFailureMode({ status: 500, times: 10 });
    expect(await delta(() => request(app).post('/api/pledges').send(valid).expect(503), ...refused('stripe_unavailable'))).toBe(1);
    emulator.setFailureMode({ status: 401, times: 10 });
    expect(await delta(() => request(app).post('/api/pledges').send(valid).expect(502), ...refused('stripe_error'))).toBe(1);
    emulator.setFailureMode(null);

    const form = (fields: Record<string, string>) =>
      request(app).post('/api/pledges').type('form').send({ campaign: 'winter', currency: 'usd', amount: '25', frequency: 'once', email: 'd@example.org', ...fields });
    expect(await delta(() => form({}).expect(303), 'pledges_created_total', { frequency: 'once' })).toBe(1);
    expect(await delta(() => form({ amount: 'lots' }).expect(400), ...refused('validation_failed'))).toBe(1);
    expect(await delta(() => form({ website: 'http://spam.example' }).expect(303), ...refused('honeypot'))).toBe(1);

    // The per-address limit, on an app that allows one pledge a minute (same registry).
    const strict = buildApp(db, {
      stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url, metrics, config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '1' }),
    });
    await request(strict).post('/api/pledges').send(valid).expect(201);
    expect(await delta(() => request(strict).post('/api/pledges').send(valid).expect(429), ...refused('rate_limited'))).toBe(1);
    // A form post refused by the limit is answered with a page, and counted all the same.
    const strictForm = request(strict).post('/api/pledges').type('form')
      .send({ campaign: 'winter', currency: 'usd', amount: '25', frequency: 'once', email: 'd@example.org' });
    expect(await delta(() => strictForm.expect(429).expect('Content-Type', /html/), ...refused('rate_limited'))).toBe(1);
  });
});

describe('exports, streams and the pool', () => {
  it('shows an export running while its query runs, and not once it ends or the client hangs up', async () => {
    const running = async () => valueOf(await scrape(), 'exports_running', { kind: 'payments' });
    expect(await running()).toBe(0);
    // A long export, made long on purpose: its COPY waits behind a lock on the payments table.
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE payments IN ACCESS EXCLUSIVE MODE');
      const finished = request(app).get('/api/admin/exports/payments.csv').set(bearer(key)).then((r) => r);
      const abandoned = http.get(`${server.url}/api/admin/exports/payments.csv`, { headers: bearer(key) });
      abandoned.on('error', () => {});
      await expect.poll(running, { timeout: 5000 }).toBe(2);
      // Exports hold connections of the admin pool, never the donors' (issue 12).
      expect(valueOf(await scrape(), 'db_pool_connections_in_use', { pool: 'admin' })).toBeGreaterThanOrEqual(2);
      abandoned.destroy(); // a closed browser tab
      await locker.query('ROLLBACK');
      expect((await finished).status).toBe(200);
      await expect.poll(running, { timeout: 5000 }).toBe(0);
    } finally {
      locker.release();
    }
  });

  it('counts open progress streams', async () => {
    const clients = async () => valueOf(await scrape(), 'sse_clients');
    expect(await clients()).toBe(0);
    const streams = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<http.ClientRequest>((resolve) => {
            const req = http.get(`${server.url}/api/campaigns/winter/progress/stream`, (res) => res.once('data', () => resolve(req)));
            req.on('error', () => {});
          }),
      ),
    );
    expect(await clients()).toBe(2);
    streams[0]!.destroy();
    await expect.poll(clients, { timeout: 5000 }).toBe(1);
    streams[1]!.destroy();
    await expect.poll(clients, { timeout: 5000 }).toBe(0);
  });

  it('shows the pool in use and queries waiting for a connection', async () => {
    const max = valueOf(await scrape(), 'db_pool_connections_max', { pool: 'main' });
    expect(max).toBe(db.pool.options.max);
    // Every connection taken, and one more query waiting for one.
    const held = await Promise.all(Array.from({ length: max }, () => db.pool.connect()));
    const waiting = db.pool.query('SELECT 1');
    let released = false;
    const release = () => {
      if (!released) held.forEach((c) => c.release());
      released = true;
    };
    try {
      // Scraped on METRICS_PORT: the admin key check would itself wait for a connection.
      const scraped = request(`http://127.0.0.1:${metricsServer.port}`).get('/metrics').then((r) => r);
      // The scrape's inbox read queues too; once it has, give the connections back so it can finish.
      await expect.poll(() => db.pool.waitingCount, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
      release();
      const samples = parseMetrics((await scraped).text);
      expect(valueOf(samples, 'db_pool_connections_in_use', { pool: 'main' })).toBe(max);
      expect(valueOf(samples, 'db_pool_waiting_requests', { pool: 'main' })).toBeGreaterThanOrEqual(1);
      expect(hasSeries(samples, 'webhook_event_oldest_age_seconds', { status: 'pending' })).toBe(true);
    } finally {
      release();
      await waiting;
    }
    const after = await scrape();
    expect(valueOf(after, 'db_pool_waiting_requests', { pool: 'main' })).toBe(0);
  });
});
