// An offline gift qualifies for a match like a Stripe payment: it takes its match from the
// campaign's pool in the transaction that records it (an import's rows too), gives it back when
// voided, and a pool near its cap matches it in part.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey } from '../admin/admin-fixtures.ts';
import { allocationsOf, insertPool, poolBooks } from '../matching/match-pools-helpers.ts';
import { deposit } from './offline-fixtures.ts';
import { resolveMoment } from '../../../src/campaigns/campaign-schemas.ts';
import { todayIn } from '../../../src/offline-gifts/offline-gift-import.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;
let winterId: string;
const NOW = new Date();
const today = NOW.toISOString().slice(0, 10);

const gift = (over: Record<string, unknown> = {}) => ({
  campaign: 'winter', amount: 10_000, currency: 'usd', receivedOn: today, method: 'check', reference: '1', email: 'ann@example.org', ...over,
});

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db, { clock: () => NOW });
  auth = bearer((await mintKey(db)).key);
  winterId = (await campaign(db, 'winter')).id;
});
afterAll(() => db.drop());
beforeEach(() => db.pool.query('TRUNCATE offline_gifts, email_outbox, campaign_total_shards, match_allocations, match_pools CASCADE'));

describe('matching an offline gift', () => {
  it('takes its match when recorded and gives it back when voided', async () => {
    const pool = await insertPool(db, winterId, { cap: 1_000_000, multiplier: 2 });
    const { body: g } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift()).expect(201);
    expect(await poolBooks(db, pool)).toMatchObject({ allocated: 20_000, sumOfAllocations: 20_000, matched: 1 });
    expect((await request(app).get('/api/campaigns/winter/progress').expect(200)).body).toMatchObject({ raised: 10_000, matched: 20_000 });
    expect(await allocationsOf(db, pool)).toMatchObject([{ source: 'offline', sourceId: g.id, donorEmail: 'ann@example.org', giftAmount: 10_000, amount: 20_000 }]);
    await request(app).post(`/api/admin/offline-gifts/${g.id}/void`).set(auth).send({ reason: 'Wrong campaign' }).expect(200);
    expect(await poolBooks(db, pool)).toMatchObject({ allocated: 0, sumOfAllocations: 0 });
    expect((await request(app).get('/api/campaigns/winter/progress').expect(200)).body).toMatchObject({ raised: 0, matched: 0 });
  });

  it('matches in part near the cap, and never beyond it, a donor without an email counting alone', async () => {
    const pool = await insertPool(db, winterId, { cap: 15_000, perDonorCap: 10_000 });
    await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ email: null })).expect(201);
    await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ email: null, reference: '2' })).expect(201);
    expect((await allocationsOf(db, pool)).map((a) => a.amount)).toEqual([10_000, 5_000]);
    expect(await poolBooks(db, pool)).toMatchObject({ cap: 15_000, allocated: 15_000, sumOfAllocations: 15_000 });
  });

  it('matches each imported row in the import\'s transaction; a dry run matches nothing', async () => {
    const pool = await insertPool(db, winterId, { cap: 10_000_000 });
    const csv = deposit(5, today);
    await request(app).post('/api/admin/offline-gifts/import?dryRun=true').set(auth).type('text/csv').send(csv).expect(200);
    expect(await poolBooks(db, pool)).toMatchObject({ allocated: 0, matched: 0 });
    const res = await request(app).post('/api/admin/offline-gifts/import').set(auth).type('text/csv').send(csv).expect(200);
    expect(res.body.imported).toHaveLength(5);
    expect(await poolBooks(db, pool)).toMatchObject({ allocated: res.body.totals[0].amount, matched: 5 });
  });
});

describe('a large gift under a large pool', () => {
  it('holds a match beyond 2^31 minor units (the largest check, tripled) to the cent', async () => {
    const pool = await insertPool(db, winterId, { cap: 5_000_000_000, multiplier: 3 });
    const res = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ amount: 1_000_000_000 }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { rows: [books] } = await db.pool.query(
      `SELECT mp.allocated::text AS allocated, (SELECT sum(amount)::text FROM match_allocations WHERE pool_id = mp.id) AS "sum" FROM match_pools mp WHERE mp.id = $1`, [pool]);
    expect(books).toEqual({ allocated: '3000000000', sum: '3000000000' });
    expect((await request(app).get('/api/campaigns/winter/progress').expect(200)).body).toMatchObject({ raised: 1_000_000_000, matched: 3_000_000_000 });
    await request(app).post(`/api/admin/offline-gifts/${res.body.id}/void`).set(auth).send({ reason: 'Typo' }).expect(200);
    expect((await request(app).get('/api/campaigns/winter/progress').expect(200)).body).toMatchObject({ raised: 0, matched: 0 });
  });
});

describe('the window, judged on the day received where the campaign is', () => {
  it('in Auckland (UTC+13 in December): the pool\'s one-day window takes a check of that day, not one of the day before', async () => {
    const tz = 'Pacific/Auckland';
    const { id } = await campaign(db, `akl-${Date.now()}`);
    const { rows: [c] } = await db.pool.query(`UPDATE campaigns SET timezone = $1 WHERE id = $2 RETURNING slug`, [tz, id]);
    const day = (n: number) => { const d = new Date(`${todayIn(tz, NOW)}T00:00:00Z`); d.setUTCDate(d.getUTCDate() - n); return d.toISOString().slice(0, 10); };
    const window = day(1);
    const pool = await insertPool(db, id, { cap: 1_000_000, startsAt: resolveMoment(window, tz, 'start'), endsAt: resolveMoment(window, tz, 'end') });
    const inWindow = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ campaign: c.slug, receivedOn: window, reference: 'in' })).expect(201);
    const dayBefore = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ campaign: c.slug, receivedOn: day(2), reference: 'before', email: 'b@example.org' })).expect(201);
    const matched = (await allocationsOf(db, pool)).filter((a) => a.amount > 0).map((a) => a.sourceId);
    expect(matched).toContain(inWindow.body.id);
    expect(matched).not.toContain(dayBefore.body.id);
  });
});
