import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/client.ts';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { buildApp, captureLogs } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('health', () => {
  it('/healthz says the process is up', async () => {
    const res = await request(buildApp(db)).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/readyz says the database answers', async () => {
    const res = await request(buildApp(db)).get('/readyz').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
  });

  it('/readyz is 503 when the database is unreachable, and the API says 503 too', async () => {
    const down = createDatabase(`postgresql://postgres:postgres@127.0.0.1:${await freePort()}/nothing`);
    try {
      const app = buildApp(down);
      const ready = await request(app).get('/readyz').expect(503);
      expect(ready.body.error.code).toBe('service_unavailable');
      const api = await request(app).get('/api/campaigns').expect(503);
      expect(api.body.error).toEqual({ code: 'service_unavailable', message: 'The database is unavailable, please retry shortly' });
      expect(api.headers['retry-after']).toBeDefined();
    } finally {
      await down.close();
    }
  });
});

describe('errors and protections', () => {
  it('answers unknown API routes with a JSON 404', async () => {
    const res = await request(buildApp(db)).get('/api/does-not-exist').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'No route for GET /api/does-not-exist' } });
  });

  it('refuses an oversized body with 413 and malformed JSON with 400, without a stack trace', async () => {
    const app = buildApp(db);
    const big = await request(app)
      .post('/api/anything')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ x: 'a'.repeat(100_000) }))
      .expect(413);
    expect(big.body.error.code).toBe('payload_too_large');
    const bad = await request(app).post('/api/anything').set('Content-Type', 'application/json').send('{"x":').expect(400);
    expect(bad.body.error.code).toBe('invalid_body');
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('sets security headers and a request id', async () => {
    const res = await request(buildApp(db)).get('/healthz').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const own = await request(buildApp(db)).get('/healthz').set('X-Request-Id', 'req-12345678').expect(200);
    expect(own.headers['x-request-id']).toBe('req-12345678');
  });

  it('logs one JSON line per request with its request id', async () => {
    const { lines, logger } = captureLogs();
    await request(buildApp(db, { logger })).get('/api/campaigns').set('X-Request-Id', 'trace-abcdefgh').expect(200);
    const entries = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === 'request completed');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reqId: 'trace-abcdefgh', req: { method: 'GET', url: '/api/campaigns' }, res: { statusCode: 200 } });
  });
});
