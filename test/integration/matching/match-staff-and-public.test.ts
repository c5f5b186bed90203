// Match pools as staff manage them (admin API and dashboard) and as the public sees them
// (progress JSON, its stream's snapshot, the donation page, the widget), and matches.csv for
// invoicing sponsors, after real payments through the emulator.
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';
import { startHarness, type Harness } from '../webhooks/webhook-harness.ts';
import { poolBooks } from './match-pools-helpers.ts';

let db: TestDatabase;
let h: Harness;
let auth: Record<string, string>;
let key: string;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db);
  await insertCampaign(db, { slug: 'spring' });
  ({ key } = await mintKey(db));
  auth = bearer(key);
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

async function give(amount: number, email: string, name?: string): Promise<Stripe.Charge> {
  const pledge = await h.pledge({ campaign: 'spring', amount, ...({ email, name } as object) });
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
  const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent.latest_charge'] });
  await h.emulator.flushDeliveries();
  return (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
}

async function csv(path: string) {
  const res = await request(h.url).get(path).set(auth).buffer(true).parse((r, cb) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => cb(null, text));
  });
  expect(res.status).toBe(200);
  return parse(res.body as string, { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
}

async function signIn() {
  const res = await request(h.url).post('/admin/sign-in').type('form').send({ key }).expect(303);
  const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
  const page = await request(h.url).get('/admin/match-pools').set('Cookie', cookie).expect(200);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1]!, page: page.text };
}
const post = (path: string, s: { cookie: string }, body: Record<string, string>) =>
  request(h.url).post(path).set('Cookie', s.cookie).set('Sec-Fetch-Site', 'same-origin').type('form').send(body);

describe('the admin API', () => {
  it('creates, changes and closes a pool; bad input is a 400 naming the field and writes nothing', async () => {
    const bad = await request(h.url).post('/api/admin/campaigns/spring/match-pools').set(auth)
      .send({ sponsor: '', cap: 10.5, multiplier: 0, qualifies: 'everyone' }).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['cap', 'multiplier', 'qualifies', 'sponsor']);
    const order = await request(h.url).post('/api/admin/campaigns/spring/match-pools').set(auth)
      .send({ sponsor: 'X', cap: 1000, startsAt: '2026-12-10', endsAt: '2026-12-01' }).expect(400);
    expect(order.body.error.details).toEqual([{ field: 'endsAt', message: 'must be after startsAt' }]);
    expect(await db.prisma.matchPool.count()).toBe(0);

    const created = await request(h.url).post('/api/admin/campaigns/spring/match-pools').set(auth)
      .send({ sponsor: 'Acme Fund', cap: 10_000, multiplier: 2 }).expect(201);
    expect(created.body).toMatchObject({ campaign: 'spring', sponsor: 'Acme Fund', currency: 'usd', cap: 10_000, allocated: 0, remaining: 10_000, open: true, qualifies: 'all', monthly: 'first_installment' });

    await give(3000, 'ann@example.org');
    expect(await request(h.url).get(`/api/admin/match-pools/${created.body.id}`).set(auth).expect(200)).toMatchObject({ body: { allocated: 6000, remaining: 4000 } });
    const under = await request(h.url).patch(`/api/admin/match-pools/${created.body.id}`).set(auth).send({ cap: 5000 }).expect(400);
    expect(under.body.error.details).toEqual([{ field: 'cap', message: 'must be at least the 6000 already allocated' }]);
    const raised = await request(h.url).patch(`/api/admin/match-pools/${created.body.id}`).set(auth).send({ cap: 8000, sponsor: 'Acme Foundation' }).expect(200);
    expect(raised.body).toMatchObject({ cap: 8000, remaining: 2000, sponsor: 'Acme Foundation' });
    const list = await request(h.url).get('/api/admin/campaigns/spring/match-pools').set(auth).expect(200);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([created.body.id]);

    // The public sees matched beside raised, and what the sponsor has left.
    const progress = await request(h.url).get('/api/campaigns/spring/progress').expect(200);
    expect(progress.body).toMatchObject({
      raised: 3000, matched: 6000,
      matchPools: [{ sponsor: 'Acme Foundation', multiplier: 2, cap: 8000, matched: 6000, remaining: 2000, open: true }],
    });
    const page = await request(h.url).get('/campaigns/spring').expect(200);
    expect(page.text).toContain('Your gift will be matched 2x by Acme Foundation</strong>, up to $20 more.');
    expect(page.text).toMatch(/data-field="matched">\$60<\/strong> matched/);
    const widget = await request(h.url).get('/embed/campaigns/spring').expect(200);
    expect(widget.text).toMatch(/data-field="matched">\$60<\/strong>/);

    const closed = await request(h.url).post(`/api/admin/match-pools/${created.body.id}/close`).set(auth).expect(200);
    expect(closed.body).toMatchObject({ open: false, allocated: 6000 });
    const after = await request(h.url).get('/campaigns/spring').expect(200);
    expect(after.text).not.toContain('Your gift will be matched');
    expect((await request(h.url).get('/api/campaigns/spring/progress').expect(200)).body.matchPools[0].open).toBe(false);
    await request(h.url).get('/api/admin/match-pools/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
  });
});

describe('matches.csv', () => {
  it('lists each allocation by sponsor with its gift, donor, amounts and status; a refund marks it reversed', async () => {
    const pool = await request(h.url).post('/api/admin/campaigns/spring/match-pools').set(auth).send({ sponsor: 'Bright Trust', cap: 100_000 }).expect(201);
    const kept = await give(2500, 'kim@example.org');
    const refunded = await give(1000, 'lee@example.org', '=1+2');
    await h.stripe.refunds.create({ charge: refunded.id });
    await h.emulator.flushDeliveries();
    const rows = (await csv('/api/admin/exports/matches.csv?campaign=spring')).filter((r) => r.sponsor === 'Bright Trust');
    expect(rows).toEqual([
      expect.objectContaining({
        pool_id: pool.body.id, campaign: 'spring', gift_source: 'payment', gift_reference: kept.payment_intent, donor_email: 'kim@example.org',
        currency: 'usd', gift_amount: '25.00', multiplier: '1', match_original: '25.00', match_amount: '25.00', match_reversed: '0.00', status: 'active', reversed_at: '',
      }),
      expect.objectContaining({
        gift_reference: refunded.payment_intent, donor_email: 'lee@example.org', donor_name: "'=1+2", match_original: '10.00', match_amount: '0.00', match_reversed: '10.00', status: 'reversed',
      }),
    ]);
    expect(rows[1]!.reversed_at).not.toBe('');
    expect((await csv('/api/admin/exports/matches.csv?status=reversed')).map((r) => r.gift_reference)).toEqual([refunded.payment_intent]);
    expect(await poolBooks(db, pool.body.id)).toMatchObject({ allocated: 2500, sumOfAllocations: 2500 });
    const bad = await request(h.url).get('/api/admin/exports/matches.csv?status=open').set(auth).expect(400);
    expect(bad.body.error.details[0].field).toBe('status');
  });
});

describe('the dashboard', () => {
  it('lists pools with cap, allocated and remaining; creates, edits and closes one, with errors beside the fields', async () => {
    const s = await signIn();
    expect(s.page).toContain('<a href="/admin/match-pools" aria-current="page">Match pools</a>');
    expect(s.page).toContain('Bright Trust');

    const bad = await post('/admin/match-pools', s, { csrf: s.csrf, campaign: 'spring', sponsor: '', cap: 'lots', multiplier: '1', qualifies: 'all', monthly: 'first_installment' }).expect(400);
    expect(bad.text).toContain('id="sponsor-error"');
    expect(bad.text).toContain('id="cap-error"');
    await post('/admin/match-pools', s, { campaign: 'spring', sponsor: 'No token', cap: '10', multiplier: '1' }).expect(403);

    await post('/admin/match-pools', s, {
      csrf: s.csrf, campaign: 'spring', sponsor: 'Dashboard Donor Circle', cap: '1,500.50', perDonorCap: '100', multiplier: '3',
      qualifies: 'first_time', monthly: 'installments', monthlyInstallments: '12',
    }).expect(303);
    const pool = await db.prisma.matchPool.findFirstOrThrow({ where: { sponsor: 'Dashboard Donor Circle' } });
    expect(pool).toMatchObject({ cap: 150_050n, perDonorCap: 10_000n, multiplier: 3, qualifies: 'first_time', monthly: 'installments', monthlyInstallments: 12 });
    const list = await request(h.url).get('/admin/match-pools').set('Cookie', s.cookie).expect(200);
    expect(list.text).toMatch(new RegExp(`data-pool="${pool.id}">[\\s\\S]*?data-field="cap">\\$1,500.50<[\\s\\S]*?data-field="remaining">\\$1,500.50<`));

    const edit = await request(h.url).get(`/admin/match-pools/${pool.id}/edit`).set('Cookie', s.cookie).expect(200);
    expect(edit.text).toContain('value="1500.50"');
    await post(`/admin/match-pools/${pool.id}`, s, { csrf: s.csrf, sponsor: 'Dashboard Circle', cap: '2000', multiplier: '3', qualifies: 'all', monthly: 'first_installment' }).expect(303);
    expect(await db.prisma.matchPool.findUniqueOrThrow({ where: { id: pool.id } })).toMatchObject({ sponsor: 'Dashboard Circle', cap: 200_000n, perDonorCap: null });
    await post(`/admin/match-pools/${pool.id}/close`, s, { csrf: s.csrf }).expect(303);
    expect((await db.prisma.matchPool.findUniqueOrThrow({ where: { id: pool.id } })).closedAt).not.toBeNull();
  });
});
