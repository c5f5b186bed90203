// The HTTP-level promises: security headers on every answer, CORS only where meant, body limits,
// rate limits, no stack trace even when a dependency fails, and the admin auth matrix with every
// kind of bad key (including keys in a retired or foreign format) on every admin route.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminKeyRepository } from '../../../src/admin/admin-key-repository.ts';
import { createAdminKeyService } from '../../../src/admin/admin-key-service.ts';
import { createDatabase } from '../../../src/db/client.ts';
import { buildApp, captureLogs, testConfig, unreachableStripe } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { mintKey } from '../admin/admin-fixtures.ts';
import { expectNoLeak } from './hostile-harness.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let key: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  await insertCampaign(db, { slug: 'open-usd' });
  key = (await mintKey(db, 'hardening')).key;
});
afterAll(async () => {
  await db.drop();
});

const PAGES = [
  '/', '/campaigns/open-usd', '/donate/thanks', '/donate/cancelled', '/admin', '/no-such-page',
  '/api/campaigns', '/api/campaigns/open-usd', '/api/campaigns/open-usd/progress', '/api/campaigns/no-such',
  '/healthz', '/readyz', '/openapi.json', '/api/admin/pledges', '/assets/no-such.css',
];

describe('security headers', () => {
  it.each(PAGES)('GET %s carries CSP, nosniff, Referrer-Policy, HSTS and frame options', async (path) => {
    const res = await request(app).get(path).set('Accept', 'text/html');
    expect(res.status).toBeLessThan(500);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'self'/);
    expect(res.headers['content-security-policy']).toMatch(/object-src 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` on our own form posts.
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('the widget alone may be framed, by the configured origins only', async () => {
    const framed = buildApp(db, { config: testConfig({ EMBED_FRAME_ANCESTORS: 'https://news.example' }) });
    const res = await request(framed).get('/embed/campaigns/open-usd').expect(200);
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors https:\/\/news\.example(;|$)/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
  });

  it('admin answers are never cached', async () => {
    for (const headers of [{}, { Authorization: `Bearer ${key}` }]) {
      const res = await request(app).get('/api/admin/pledges').set(headers);
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('CORS', () => {
  const origin = 'https://evil.example';
  it.each(['/api/campaigns/open-usd/progress'])('%s allows any origin (public, read-only)', async (path) => {
    const res = await request(app).get(path).set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('the progress stream allows any origin', async () => {
    const server = app.listen(0);
    const port = (server.address() as { port: number }).port;
    const ctrl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/campaigns/open-usd/progress/stream`, { headers: { Origin: origin }, signal: ctrl.signal });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    ctrl.abort();
    server.closeAllConnections();
    server.close();
  });

  it.each([
    ['get', '/'], ['get', '/campaigns/open-usd'], ['get', '/embed/campaigns/open-usd'], ['get', '/api/campaigns'],
    ['get', '/api/campaigns/open-usd'], ['post', '/api/pledges'], ['post', '/webhooks/stripe'], ['get', '/api/admin/pledges'],
    ['get', '/api/admin/exports/payments.csv'], ['get', '/admin'], ['post', '/admin/sign-in'], ['get', '/openapi.json'],
    ['options', '/api/pledges'], ['options', '/api/admin/pledges'], ['options', '/api/campaigns/open-usd/progress'],
  ] as const)('%s %s sends no Access-Control-Allow-Origin', async (method, path) => {
    const r = request(app)[method](path).set('Origin', origin).set('Access-Control-Request-Method', 'POST');
    const res = await (path.startsWith('/api/admin') ? r.set('Authorization', `Bearer ${key}`) : r);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('body limits', () => {
  const pledge = { campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'a@b.org' };
  it('JSON over 16 KB -> 413 payload_too_large', async () => {
    const res = await request(app).post('/api/pledges').send({ ...pledge, message: 'x'.repeat(17_000) }).expect(413);
    expect(res.body.error.code).toBe('payload_too_large');
    const admin = await request(app).post('/api/admin/campaigns').set('Authorization', `Bearer ${key}`).send({ description: 'x'.repeat(17_000) }).expect(413);
    expect(admin.body.error.code).toBe('payload_too_large');
  });

  it('a form over 16 KB -> 413, a page for the browser that posted it', async () => {
    const res = await request(app).post('/api/pledges').type('form').send({ ...pledge, amount: '25', message: 'x'.repeat(17_000) }).expect(413);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('That form was too long');
  });

  it('a webhook over 512 KB -> 400 payload_too_large (issue 4: its signature cannot be checked)', async () => {
    const res = await request(app).post('/webhooks/stripe').set('Stripe-Signature', 't=1,v1=00').set('Content-Type', 'application/json')
      .send(JSON.stringify({ pad: 'x'.repeat(600_000) })).expect(400);
    expect(res.body.error.code).toBe('payload_too_large');
    expect(await db.prisma.webhookEvent.count()).toBe(0);
  });
});

describe('rate limits', () => {
  const pledge = { campaign: 'no-such', amount: 2500, currency: 'usd', frequency: 'once', email: 'a@b.org' };
  it('per client: the next attempt is a 429 with Retry-After, JSON and form alike', async () => {
    const limited = buildApp(db, { config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '3', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000' }) });
    for (let i = 0; i < 3; i++) await request(limited).post('/api/pledges').send(pledge).expect(400);
    for (const r of [request(limited).post('/api/pledges').send(pledge), request(limited).post('/api/pledges').type('form').send({ ...pledge, amount: '25' })]) {
      const res = await r;
      expect(res.status).toBe(429);
      // JSON for the API; the HTML form's post gets a page saying why (issue 11).
      if (res.type === 'text/html') expect(res.text).toContain('Too many attempts');
      else expect(res.body.error.code).toBe('rate_limited');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
    expect(await db.prisma.pledge.count()).toBe(0);
  });

  it('global: counts only attempts that reach Stripe; many addresses (behind a trusted proxy) together hit it', async () => {
    const limited = buildApp(db, { config: testConfig({ TRUST_PROXY: '1', PLEDGE_RATE_LIMIT_PER_MINUTE: '100', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '4' }) });
    const from = (i: number) => request(limited).post('/api/pledges').set('X-Forwarded-For', `203.0.113.${i + 1}`);
    const junk: number[] = [];
    for (let i = 0; i < 6; i++) junk.push((await from(i).send(pledge)).status);
    expect(junk).toEqual([400, 400, 400, 400, 400, 400]); // refused before any work: never counted
    const valid = { ...pledge, campaign: 'open-usd' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await from(10 + i).send(valid)).status);
    // Stripe is unreachable here (503 after the attempt); the fifth attempt is not made at all.
    expect(statuses).toEqual([503, 503, 503, 503, 429, 429]);
  });

  it('X-Forwarded-For is not trusted without TRUST_PROXY: rotating it does not escape the per-client limit', async () => {
    const limited = buildApp(db, { config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '2', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await request(limited).post('/api/pledges').set('X-Forwarded-For', `198.51.100.${i + 1}`).send(pledge)).status);
    }
    expect(statuses).toEqual([400, 400, 429, 429]);
  });

  it('the dashboard sign-in form: 429 with Retry-After after 10 attempts', async () => {
    const limited = buildApp(db);
    let last;
    for (let i = 0; i < 11; i++) last = await request(limited).post('/admin/sign-in').type('form').send({ key: 'dk_live_guess' });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('no stack traces, even when a dependency fails', () => {
  let broken: ReturnType<typeof buildApp>;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    // A database object whose every query throws an ordinary programming error.
    const dead = createDatabase('postgresql://127.0.0.1:1/none');
    await dead.close();
    logs = captureLogs('error');
    broken = buildApp({ ...dead, prisma: new Proxy(dead.prisma, { get: () => { throw new TypeError(`boom at ${import.meta.url}:1:1`); } }) }, { logger: logs.logger, stripe: unreachableStripe() });
  });

  // Pages answer a page (issue 11: a donor never sees raw JSON); the API answers JSON.
  it.each(['/', '/campaigns/open-usd', '/embed/campaigns/open-usd', '/donate/thanks?session_id=cs_test_abc'])(
    'get %s -> a 5xx page, generic, with no stack',
    async (path) => {
      const res = await request(broken).get(path).set('Accept', 'text/html');
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toMatch(/data-status="5\d\d"/);
      expect(res.text).not.toContain('boom');
      expect(res.text).not.toContain('TypeError');
      expectNoLeak(res.text);
    },
  );

  it.each([
    ['get', '/api/campaigns'], ['get', '/api/campaigns/open-usd'], ['get', '/api/campaigns/open-usd/progress'],
    ['get', '/api/campaigns/open-usd/progress/stream'], ['post', '/api/pledges'], ['get', '/api/admin/pledges'], ['get', '/readyz'],
  ] as const)('%s %s -> 5xx with a generic body and no stack', async (method, path) => {
    const res = await request(broken)[method](path).set('Authorization', `Bearer ${key}`)
      .send(method === 'post' ? { campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'a@b.org' } : undefined);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toMatch(/^(internal_error|service_unavailable)$/);
    expect(res.text).not.toContain('boom');
    expect(res.text).not.toContain('TypeError');
    expectNoLeak(res.text);
  });

  it('a webhook that cannot be stored -> 5xx (Stripe retries), no stack', async () => {
    const Stripe = (await import('stripe')).default;
    const payload = JSON.stringify({ id: 'evt_1', type: 'charge.refunded', created: 1, data: { object: { id: 'ch_1', object: 'charge' } } });
    const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: 'whsec_test_secret_for_the_app_0123456789' });
    const res = await request(broken).post('/webhooks/stripe').set('Stripe-Signature', signature).set('Content-Type', 'application/json').send(payload);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.text).not.toMatch(/boom|TypeError/);
    expectNoLeak(res.text);
  });

  it('the failure itself is logged, with its stack, for us', () => {
    expect(logs.lines.some((l) => l.includes('boom') && l.includes('"stack"'))).toBe(true);
  });

  it('Stripe being unreachable is a 503 without internals', async () => {
    const res = await request(app).post('/api/pledges').send({ campaign: 'open-usd', amount: 2500, currency: 'usd', frequency: 'once', email: 'a@b.org' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('stripe_unavailable');
    expectNoLeak(res.text);
    expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|sk_test/);
  });
});

describe('admin auth: every route refuses no, wrong, revoked and expired-format keys with 401', () => {
  const ROUTES: Array<[method: 'get' | 'post' | 'patch', path: string]> = [
    ['post', '/api/admin/campaigns'], ['patch', '/api/admin/campaigns/open-usd'], ['get', '/api/admin/pledges'],
    ['get', '/api/admin/exports/payments.csv'], ['get', '/api/admin/exports/pledges.csv'], ['get', '/api/admin/exports/payouts.csv'],
    ['get', '/api/admin/reconciliation?from=2026-11-01&to=2026-12-01'], ['get', '/api/admin/webhook-events'],
    ['post', '/api/admin/webhook-events/evt_1/replay'], ['post', '/api/admin/reconcile'], ['get', '/api/admin/anything'],
  ];
  const bad = new Map<string, Record<string, string>>();
  beforeAll(async () => {
    const keys = createAdminKeyService({ keys: createAdminKeyRepository(db) });
    const revoked = await keys.create('revoked');
    await keys.revoke(revoked.record.id);
    const random = key.slice(8);
    bad.set('no key', {});
    bad.set('wrong key', { Authorization: `Bearer dk_live_${'A'.repeat(43)}` });
    bad.set('revoked key', { Authorization: `Bearer ${revoked.key}` });
    // "Expired format": shapes a key had, or could be mistaken for, that are not keys today.
    bad.set('test-mode prefix', { Authorization: `Bearer dk_test_${random}` });
    bad.set('no prefix', { Authorization: `Bearer ${random}` });
    bad.set('one character short', { Authorization: `Bearer ${key.slice(0, -1)}` });
    bad.set('one character long', { Authorization: `Bearer ${key}A` });
    bad.set('the stored hash itself', { Authorization: `Bearer ${'0'.repeat(64)}` });
    bad.set('an expired JWT', { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJleHAiOjF9.' });
    bad.set('a Stripe secret key', { Authorization: 'Bearer sk_live_0123456789abcdef' });
    bad.set('lowercase key', { Authorization: `Bearer ${key.toLowerCase() === key ? key.toUpperCase() : key.toLowerCase()}` });
    bad.set('Token scheme', { Authorization: `Token ${key}` });
    bad.set('key in X-Api-Key', { 'X-Api-Key': key });
    bad.set('key in a cookie', { Cookie: `admin_session=${key}` });
    bad.set('tab instead of space', { Authorization: `Bearer\t${key}` });
  });

  it.each(ROUTES)('%s %s', async (method, path) => {
    for (const [label, headers] of bad) {
      const res = await request(app)[method](path).set(headers).send({});
      expect(res.status, label).toBe(401);
      expect(res.body, label).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  it('the key in the query string is not accepted either', async () => {
    await request(app).get(`/api/admin/pledges?key=${key}`).expect(401);
    await request(app).get(`/api/admin/pledges?access_token=${key}`).expect(401);
  });
});
