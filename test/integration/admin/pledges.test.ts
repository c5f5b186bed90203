// GET /api/admin/pledges: filters and keyset paging.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  auth = bearer((await mintKey(db)).key);
  const winter = await campaign(db, 'winter');
  const spring = await campaign(db, 'spring', 'eur');
  const at = (s: string) => new Date(s);
  // Two pledges share a created_at: paging must order them by id and lose neither.
  ids.w1 = (await pledge(db, winter, { createdAt: at('2026-12-01T10:00:00Z'), status: 'completed' })).id;
  ids.w2 = (await pledge(db, winter, { createdAt: at('2026-12-02T10:00:00Z'), status: 'pending' })).id;
  ids.w3 = (await pledge(db, winter, { createdAt: at('2026-12-02T10:00:00Z'), status: 'completed' })).id;
  ids.w4 = (await pledge(db, winter, { createdAt: at('2026-12-03T10:00:00Z'), status: 'expired' })).id;
  ids.s1 = (await pledge(db, spring, { createdAt: at('2026-12-02T12:00:00Z'), status: 'completed', name: null, anonymous: true })).id;
  ids.s2 = (await pledge(db, spring, { createdAt: at('2026-12-05T00:00:00Z'), status: 'failed' })).id;
});
afterAll(async () => {
  await db.drop();
});

const list = (query: string) => request(app).get(`/api/admin/pledges${query}`).set(auth);
const idsOf = (body: { data: Array<{ id: string }> }) => body.data.map((p) => p.id);

async function all(query: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const res: request.Response = await list(`${query}${query ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    seen.push(...idsOf(res.body));
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

describe('GET /api/admin/pledges', () => {
  it('lists newest first with the fields staff need', async () => {
    const res = await list('').expect(200);
    expect(res.body.data).toHaveLength(6);
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data[0]).toMatchObject({
      id: ids.s2, campaign: 'spring', status: 'failed', amount: 5000, currency: 'eur', frequency: 'once',
      email: 'donor@example.org', name: 'Ann Lee', createdAt: '2026-12-05T00:00:00.000Z',
    });
    const times = res.body.data.map((p: { createdAt: string }) => p.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('pages through everything exactly once, ties included, at any page size', async () => {
    const everything = idsOf((await list('').expect(200)).body);
    for (const limit of [1, 2, 4, 5]) expect(await all('', limit)).toEqual(everything);
  });

  it('filters by campaign, status, from and to (created_at, to exclusive), and pages filtered', async () => {
    expect(new Set(idsOf((await list('?campaign=winter').expect(200)).body))).toEqual(new Set([ids.w1, ids.w2, ids.w3, ids.w4]));
    expect(new Set(idsOf((await list('?status=completed').expect(200)).body))).toEqual(new Set([ids.w1, ids.w3, ids.s1]));
    expect(new Set(idsOf((await list('?from=2026-12-02T10:00:00Z').expect(200)).body))).toEqual(new Set([ids.w2, ids.w3, ids.w4, ids.s1, ids.s2]));
    expect(new Set(idsOf((await list('?to=2026-12-02T10:00:00Z').expect(200)).body))).toEqual(new Set([ids.w1]));
    expect(new Set(idsOf((await list('?from=2026-12-02&to=2026-12-03').expect(200)).body))).toEqual(new Set([ids.w2, ids.w3, ids.s1]));
    expect(new Set(await all('?campaign=winter&status=completed', 1))).toEqual(new Set([ids.w1, ids.w3]));
    expect((await list('?campaign=nobody').expect(200)).body.data).toEqual([]);
  });

  it('400 naming the field for bad filters, limits and cursors', async () => {
    const field = async (q: string) => (await list(q).expect(400)).body.error.details[0].field;
    expect(await field('?status=paid')).toBe('status');
    expect(await field('?from=yesterday')).toBe('from');
    expect(await field('?from=2026-12-03&to=2026-12-01')).toBe('to');
    expect(await field('?limit=0')).toBe('limit');
    expect(await field('?limit=201')).toBe('limit');
    expect(await field('?limit=ten')).toBe('limit');
    expect(await field('?cursor=abc')).toBe('cursor');
    expect(await field(`?cursor=${Buffer.from('["2026-12-01T00:00:00Z","x"]').toString('base64url')}`)).toBe('cursor');
    expect(await field('?campaign=Bad_Slug')).toBe('campaign');
    expect(await field('?colour=red')).toBe('colour');
  });
});
