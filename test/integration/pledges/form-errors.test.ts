// Issue 11: a donor without JavaScript posts the HTML form, and whatever goes wrong gets a page
// with the real reason, never the API's raw JSON: the rate limit (429), the database down (503,
// not "Unknown campaign"), Stripe down (the form again, input kept). The JSON API keeps its JSON.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../../src/db/client.ts';
import { buildApp, captureLogs, testConfig, unreachableStripe } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { outageProxy, type OutageProxy } from '../../helpers/outage-proxy.ts';

let db: TestDatabase;
let proxy: OutageProxy;
let proxied: Database;

const BROWSER = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const form = {
  campaign: 'winter', currency: 'usd', frequency: 'once', amount: 'custom', custom_amount: '25',
  email: 'donor@example.org', name: 'Ann', message: 'For the newsroom', form_token: 'tok_abcdefghijklmnop',
};
const json = { campaign: 'winter', currency: 'usd', frequency: 'once', amount: 2500, email: 'donor@example.org' };

beforeAll(async () => {
  db = await createTestDatabase();
  proxy = await outageProxy(db.url);
  proxied = createDatabase(proxy.url, { onPoolError: () => {} });
});
afterAll(async () => {
  await proxied.close();
  await proxy.close();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE pledges, campaigns CASCADE');
  await insertCampaign(db, { slug: 'winter', presetAmounts: [1000, 2500, 5000] });
});

describe('the database goes down while a donor fills in the form', () => {
  it('the form post gets a 503 page saying to try again in a minute, not "Unknown campaign"', async () => {
    const logs = captureLogs('error');
    const app = buildApp(proxied, { logger: logs.logger });
    await request(app).get('/campaigns/winter').set(BROWSER).expect(200); // the donor has the form
    await proxy.cut();
    try {
      const res = await request(app).post('/api/pledges').set(BROWSER).type('form').send(form);
      expect(res.status).toBe(503);
      expect(res.type).toBe('text/html');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.text).toContain('Please try again in a minute');
      expect(res.text).toContain('Nothing was charged.');
      expect(res.text).not.toMatch(/Unknown campaign/i);
      expect(res.text).toContain('href="/campaigns/winter"');
      // The page itself, reloaded, says the same in HTML.
      const page = await request(app).get('/campaigns/winter').set(BROWSER);
      expect(page.status).toBe(503);
      expect(page.type).toBe('text/html');
      // The JSON API keeps its JSON error.
      const api = await request(app).post('/api/pledges').send(json);
      expect(api.status).toBe(503);
      expect(api.body.error.code).toBe('service_unavailable');
    } finally {
      await proxy.restore();
    }
    expect(logs.entries().some((e) => e.msg === 'request failed')).toBe(true); // we hear of it
    expect(await db.prisma.pledge.count()).toBe(0);
  });
});

describe('rate limited', () => {
  it('the form post over the limit gets a 429 page with Retry-After; the API a JSON 429', async () => {
    const app = buildApp(db, { config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '2', PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE: '1000' }) });
    for (let i = 0; i < 2; i++) {
      await request(app).post('/api/pledges').set(BROWSER).type('form').send({ ...form, custom_amount: '0.01' }).expect(400);
    }
    const res = await request(app).post('/api/pledges').set(BROWSER).type('form').send(form);
    expect(res.status).toBe(429);
    expect(res.type).toBe('text/html');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(res.text).toContain('Too many attempts');
    expect(res.text).toMatch(/Please wait (a minute|about \d+ seconds|a few seconds) and try again/);
    expect(res.text).toContain('href="/campaigns/winter"');
    expect(res.text).not.toContain('"error"');
    const api = await request(app).post('/api/pledges').send(json);
    expect(api.status).toBe(429);
    expect(api.body.error.code).toBe('rate_limited');
    expect(await db.prisma.pledge.count()).toBe(0);
  });
});

describe('Stripe unreachable', () => {
  it('the form comes back with the reason and everything the donor typed', async () => {
    const app = buildApp(db, { stripe: unreachableStripe() });
    const res = await request(app).post('/api/pledges').set(BROWSER).type('form').send(form);
    expect(res.status).toBe(503);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('Our payment provider cannot be reached right now');
    expect(res.text).toContain('value="donor@example.org"');
    expect(res.text).toContain('For the newsroom</textarea>');
    expect(res.text).toContain('action="/api/pledges"');
  });
});
