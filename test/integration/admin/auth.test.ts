// Every admin route refuses a request without a valid key, alike for every kind of bad key.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../../src/admin/admin-key.ts';
import { createAdminKeyRepository } from '../../../src/admin/admin-key-repository.ts';
import { createAdminKeyService, LAST_USED_WRITE_INTERVAL_MS } from '../../../src/admin/admin-key-service.ts';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let good: string;
let revoked: string;

const ROUTES: Array<[method: 'get' | 'post' | 'patch', path: string, body?: object]> = [
  ['post', '/api/admin/campaigns', { slug: 'x', title: 'X', goal: 100, currency: 'usd', startsAt: '2026-12-01', endsAt: '2026-12-31' }],
  ['patch', '/api/admin/campaigns/secret', { title: 'Y' }],
  ['get', '/api/admin/pledges'],
  ['get', '/api/admin/pledges?campaign=secret&status=completed&limit=5'],
  ['get', '/api/admin/exports/payments.csv'],
  ['get', '/api/admin/exports/pledges.csv'],
  ['get', '/api/admin/exports/payouts.csv'],
  ['get', '/api/admin/reconciliation?from=2026-11-01&to=2026-12-01'],
  ['get', '/api/admin/reconciliation?from=2026-11-01&to=2026-12-01&format=csv'],
  ['get', '/api/admin/webhook-events?status=failed'],
  ['post', '/api/admin/webhook-events/evt_123/replay'],
  ['post', '/api/admin/reconcile', { since: '2026-11-01' }],
  ['get', '/api/admin/no-such-route'],
];

const BAD_HEADERS: Array<[string, Record<string, string>]> = [
  ['none', {}],
  ['wrong key', {}], // filled in beforeAll
  ['revoked key', {}],
  ['malformed: not bearer', { Authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ['malformed: empty bearer', { Authorization: 'Bearer ' }],
  ['malformed: garbage', { Authorization: 'Bearer not-a-key' }],
  ['malformed: key with extra', { Authorization: '' }],
  ['malformed: two tokens', { Authorization: '' }],
];

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  const c = await campaign(db, 'secret');
  await pledge(db, c, { name: 'Very Secret Donor', email: 'secret@example.org' });
  good = (await mintKey(db, 'good')).key;
  const r = await mintKey(db, 'to revoke');
  revoked = r.key;
  expect(await createAdminKeyService({ keys: createAdminKeyRepository(db) }).revoke(r.id)).toBe('revoked');
  BAD_HEADERS[1]![1] = bearer(generateKey().key);
  BAD_HEADERS[2]![1] = bearer(revoked);
  BAD_HEADERS[6]![1] = bearer(`${good}x`);
  BAD_HEADERS[7]![1] = { Authorization: `Bearer ${good} ${good}` };
});
afterAll(async () => {
  await db.drop();
});

function send(method: 'get' | 'post' | 'patch', path: string, headers: Record<string, string>, body?: object) {
  const r = request(app)[method](path).set(headers);
  return body ? r.send(body) : r;
}

describe('the auth matrix', () => {
  for (const [method, path, body] of ROUTES) {
    for (const [label] of BAD_HEADERS) {
      it(`${method.toUpperCase()} ${path}: ${label} -> 401, nothing leaks`, async () => {
        const headers = BAD_HEADERS.find(([l]) => l === label)![1];
        const res = await send(method, path, headers, body);
        expect(res.status).toBe(401);
        expect(res.headers['content-type']).toMatch(/application\/json/);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
        expect(res.text).not.toMatch(/secret@|Very Secret|revoked|expired/i);
      });
    }
    it(`${method.toUpperCase()} ${path}: a valid key gets past authentication`, async () => {
      const res = await send(method, path, bearer(good), body);
      expect(res.status).not.toBe(401);
    });
  }

  it('all bad keys get the same answer, byte for byte', async () => {
    const texts = new Set<string>();
    for (const [, headers] of BAD_HEADERS) texts.add((await send('get', '/api/admin/pledges', headers)).text);
    expect(texts.size).toBe(1);
  });

  it('answers are never cached', async () => {
    const res = await send('get', '/api/admin/pledges', bearer(good));
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('keys', () => {
  it('stores only a SHA-256 hash, never the key', async () => {
    const { key, id } = await mintKey(db, 'hash check');
    expect(key).toMatch(/^dk_live_[A-Za-z0-9_-]{43}$/);
    const { rows } = await db.pool.query('SELECT * FROM admin_keys WHERE id = $1', [id]);
    expect(JSON.stringify(rows[0])).not.toContain(key.slice(8));
    expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records lastUsedAt, at most once a minute', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const { key, id } = await mintKey(db, 'last used');
    const clocked = buildApp(db, { clock: () => now });
    const lastUsed = async () => (await db.prisma.adminKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await request(clocked).get('/api/admin/pledges').set(bearer(key)).expect(200);
    expect(await lastUsed()).toEqual(now);
    const first = now;
    now = new Date(first.getTime() + 10_000);
    await request(clocked).get('/api/admin/pledges').set(bearer(key)).expect(200);
    expect(await lastUsed()).toEqual(first);
    now = new Date(first.getTime() + LAST_USED_WRITE_INTERVAL_MS + 1);
    await request(clocked).get('/api/admin/pledges').set(bearer(key)).expect(200);
    expect(await lastUsed()).toEqual(now);
  });

  it('a revoked key stops working at once', async () => {
    const { key, id } = await mintKey(db, 'revoke now');
    await request(app).get('/api/admin/pledges').set(bearer(key)).expect(200);
    await createAdminKeyService({ keys: createAdminKeyRepository(db) }).revoke(id);
    await request(app).get('/api/admin/pledges').set(bearer(key)).expect(401);
  });
});
