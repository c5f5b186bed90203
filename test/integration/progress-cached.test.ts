// The progress poll answered from the cache in front of the routers (cachedProgress) gives the
// same answer as the route itself: status, headers (helmet's precomputed ones included), body and
// the 304 for an unchanged total; and a payment is seen by the next poll.
import helmet from 'helmet';
import request from 'supertest';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgressHub, type ProgressHub } from '../../src/campaigns/progress-hub.ts';
import { precomputeHeaders } from '../../src/http/static-headers.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp, captureLogs, type TestApp } from '../helpers/app.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { insertCampaign, insertPayment, insertPledge } from '../helpers/factories.ts';

let db: TestDatabase;
let hub: ProgressHub;
let app: TestApp;

beforeAll(async () => {
  db = await createTestDatabase();
  hub = createProgressHub({ url: db.url, logger: createLogger('silent'), reconnectMs: 100 });
  app = buildApp(db, { progressHub: hub });
  const deadline = Date.now() + 5000;
  while (!hub.listening && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
});
afterAll(async () => {
  await hub.close();
  await db.drop();
});

const comparable = (headers: Record<string, string>) => {
  const { date: _date, 'x-request-id': _id, ...rest } = headers;
  return rest;
};

describe('progress from the cache', () => {
  it('answers as the route does, and moves with a payment', async () => {
    const campaign = await insertCampaign(db, { slug: 'cached', goal: 10_000 });
    const first = await request(app).get('/api/campaigns/cached/progress').expect(200); // through the route, fills the cache
    const second = await request(app).get('/api/campaigns/cached/progress?x=1').expect(200); // from the cache
    expect(comparable(second.headers)).toEqual(comparable(first.headers));
    expect(second.text).toBe(first.text);
    expect(second.headers['content-security-policy']).toContain("default-src 'self'");
    await request(app).get('/api/campaigns/cached/progress').set('If-None-Match', first.headers.etag!).expect(304);

    await insertPayment(db, await insertPledge(db, campaign.id), { amount: 2500 });
    await expect
      .poll(async () => (await request(app).get('/api/campaigns/cached/progress').expect(200)).body.raised, { timeout: 3000 })
      .toBe(2500);
    await request(app).get('/api/campaigns/cached/progress').set('If-None-Match', first.headers.etag!).expect(200);
  });

  it('is logged and counted like any request: its id, its log line, its route in the metrics', async () => {
    await insertCampaign(db, { slug: 'counted' });
    const { logger, entries } = captureLogs('info');
    const metrics = createMetrics();
    const watched = buildApp(db, { progressHub: hub, logger, metrics });
    await request(watched).get('/api/campaigns/counted/progress').expect(200); // through the route, fills the cache
    const cached = await request(watched).get('/api/campaigns/counted/progress').set('X-Request-Id', 'poll-from-cache-1').expect(200);
    expect(cached.headers['x-request-id']).toBe('poll-from-cache-1');
    await request(watched).get('/api/campaigns/counted/progress').set('If-None-Match', cached.headers.etag!).expect(304);
    await new Promise((resolve) => setImmediate(resolve));
    const line = entries().find((e) => e.reqId === 'poll-from-cache-1');
    expect(line).toMatchObject({ msg: 'request completed', req: { method: 'GET', url: '/api/campaigns/counted/progress' }, res: { statusCode: 200 } });
    const text = await metrics.registry.metrics();
    const route = 'route="/api/campaigns/:slug/progress"';
    const count = (status: number) => Number(new RegExp(`http_request_duration_seconds_count\\{[^}]*${route}[^}]*status="${status}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0);
    expect(count(200)).toBe(2);
    expect(count(304)).toBe(1);
  });

  it('leaves what it does not hold to the route: an unknown or invalid slug, another method', async () => {
    await request(app).get('/api/campaigns/unknown/progress').expect(404);
    await request(app).get('/api/campaigns/unknown/progress').expect(404);
    const bad = await request(app).get('/api/campaigns/Not_A_Slug/progress').expect(400);
    expect(bad.body.error.message).toContain('slug');
    await request(app).post('/api/campaigns/cached/progress').expect(404);
  });
});

describe('precomputeHeaders', () => {
  it('sets what helmet sets on each request', async () => {
    const options = { contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'https:'] } } };
    const perRequest = express().use(helmet(options)).get('/', (_q, s) => void s.send('ok'));
    const once = express().use(precomputeHeaders(helmet(options)).handler).get('/', (_q, s) => void s.send('ok'));
    once.disable('x-powered-by');
    const a = await request(perRequest).get('/');
    const b = await request(once).get('/');
    expect(comparable(b.headers)).toEqual(comparable(a.headers));
  });

  it('refuses a middleware that does not call next at once', () => {
    expect(() => precomputeHeaders(() => {})).toThrow(/next/);
  });
});
