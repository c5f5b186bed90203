// The dashboard pages staff work in, over HTTP with a real session: payment search and paging, a
// payment's page, the refund form's checks and confirmation step (CSRF on both posts), the
// campaign form, monthly donors, the export form and CSV for Excel, the chart's empty state.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { campaign, mintKey, payment, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
const now = new Date('2026-06-15T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db, { clock: () => now });
});
afterAll(() => db.drop());
beforeEach(() => truncateAll(db));

async function signIn() {
  const { key } = await mintKey(db);
  const res = await request(app).post('/admin/sign-in').type('form').send({ key }).expect(303);
  const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
  const page = await request(app).get('/admin').set('Cookie', cookie).expect(200);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1]! };
}

const post = (path: string, s: { cookie: string }, body: object) =>
  request(app).post(path).set('Cookie', s.cookie).set('Sec-Fetch-Site', 'same-origin').type('form').send(body);

describe('payments', () => {
  it('searches by email, name or Stripe id, newest first, 25 a page', async () => {
    const c = await campaign(db, 'spring');
    for (let i = 0; i < 27; i++) {
      const p = await pledge(db, c, { email: `donor${i}@example.org`, name: i === 3 ? 'Seán Ó Briain' : `Donor ${i}` });
      await payment(db, { ...p, currency: 'usd', amount: 1000 + i }, { paidAt: new Date(now.getTime() - (30 - i) * 3600_000), chargeId: `ch_search_${i}` });
    }
    const s = await signIn();
    const first = await request(app).get('/admin/payments').set('Cookie', s.cookie).expect(200);
    expect(first.text.match(/<tr><td><a href="\/admin\/payments\//g)).toHaveLength(25);
    expect(first.text).toContain('donor26@example.org');
    expect(first.text).toContain('rel="next"');
    const second = await request(app).get('/admin/payments?page=2').set('Cookie', s.cookie).expect(200);
    expect(second.text.match(/<tr><td><a href="\/admin\/payments\//g)).toHaveLength(2);
    expect(second.text).toContain('donor0@example.org');
    expect(second.text).not.toContain('rel="next"');

    const byName = await request(app).get('/admin/payments').query({ q: 'seán' }).set('Cookie', s.cookie).expect(200);
    expect(byName.text.match(/<tr><td>/g)).toHaveLength(1);
    expect(byName.text).toContain('donor3@example.org');
    const byEmail = await request(app).get('/admin/payments').query({ q: 'DONOR12@' }).set('Cookie', s.cookie).expect(200);
    expect(byEmail.text).toContain('donor12@example.org');
    expect(byEmail.text.match(/<tr><td>/g)).toHaveLength(1);
    const byId = await request(app).get('/admin/payments').query({ q: 'ch_search_7' }).set('Cookie', s.cookie).expect(200);
    expect(byId.text.match(/<tr><td>/g)).toHaveLength(1);
    expect(byId.text).toContain('donor7@example.org');
    // LIKE's wildcards are literal: "%" matches nobody's email here.
    const wild = await request(app).get('/admin/payments').query({ q: '%' }).set('Cookie', s.cookie).expect(200);
    expect(wild.text).toContain('No payment matches.');
  });

  it('a payment’s page shows its Stripe ids, fee, net, refunds and dispute', async () => {
    const c = await campaign(db, 'spring');
    const p = await pledge(db, c);
    const pay = await payment(db, { ...p, currency: 'usd', amount: 5000 }, { fee: 175, net: 4825, amountRefunded: 1000, disputeStatus: 'open', disputedAmount: 4000, chargeId: 'ch_detail' });
    const s = await signIn();
    const res = await request(app).get(`/admin/payments/${pay.id}`).set('Cookie', s.cookie).expect(200);
    const cell = (key: string) => new RegExp(`data-row="${key}"><dt>[^<]*</dt><dd>([^<]*)`).exec(res.text)?.[1];
    expect(cell('gross')).toBe('$50');
    expect(cell('fee')).toBe('$1.75');
    expect(cell('net')).toBe('$48.25');
    expect(cell('refunded')).toBe('$10');
    expect(cell('dispute')).toBe('open ($40)');
    expect(res.text).toContain('<code>ch_detail</code>');
    expect(res.text).toContain('value="40.00"'); // what is left to refund, by default
    await request(app).get('/admin/payments/not-a-uuid').set('Cookie', s.cookie).set('Accept', 'text/html').expect(400);
    await request(app).get('/admin/payments/00000000-0000-4000-8000-000000000000').set('Cookie', s.cookie).set('Accept', 'text/html').expect(404);
  });
});

describe('refunds from the dashboard', () => {
  it('checks the amount and the reason, confirms before anything happens, and needs the CSRF token', async () => {
    const c = await campaign(db, 'spring');
    const p = await pledge(db, c, { name: 'Ann' });
    const pay = await payment(db, { ...p, currency: 'usd', amount: 5000 }, { amountRefunded: 1000 });
    const s = await signIn();
    const confirm = `/admin/payments/${pay.id}/refund/confirm`;
    const tooMuch = await post(confirm, s, { csrf: s.csrf, amount: '40.01', reason: 'asked' }).expect(400);
    expect(tooMuch.text).toContain('Must be between $0.01 and $40');
    expect(tooMuch.text).toContain('id="amount" name="amount" inputmode="decimal" value="40.01" aria-invalid="true"');
    const noReason = await post(confirm, s, { csrf: s.csrf, amount: '10', reason: ' ' }).expect(400);
    expect(noReason.text).toContain('Say why');
    await post(confirm, s, { amount: '10', reason: 'asked' }).expect(403);

    const page = await post(confirm, s, { csrf: s.csrf, amount: '15.50', reason: 'Donor gave twice <by mistake>' }).expect(200);
    expect(page.text).toContain('Refund $15.50 to Ann?');
    expect(page.text).toContain('Donor gave twice &lt;by mistake&gt;');
    expect(page.text).toContain(`action="/admin/payments/${pay.id}/refund"`);
    // Only reviewing: nothing asked of Stripe, nothing recorded, the ledger untouched.
    expect(await db.prisma.refundRequest.count()).toBe(0);
    await post(`/admin/payments/${pay.id}/refund`, s, { amount: '15.50', reason: 'x' }).expect(403);
    expect(await db.prisma.refundRequest.count()).toBe(0);
  });

  it('refuses a payment with nothing left to refund', async () => {
    const c = await campaign(db, 'spring');
    const pay = await payment(db, { ...(await pledge(db, c)), currency: 'usd', amount: 5000 }, { amountRefunded: 5000 });
    const s = await signIn();
    const page = await request(app).get(`/admin/payments/${pay.id}`).set('Cookie', s.cookie).expect(200);
    expect(page.text).toContain('Nothing left to refund');
    await post(`/admin/payments/${pay.id}/refund`, s, { csrf: s.csrf, amount: '1', reason: 'x' }).expect(400);
  });
});

describe('the campaign form', () => {
  const form = {
    slug: 'autumn', title: 'Autumn drive', description: 'Help us', goal: '50,000', currency: 'USD', timezone: 'America/New_York',
    startsAt: '2026-09-01', endsAt: '2026-09-30', presets: '25, 50, 100', presetImpacts: 'a notebook\na day of reporting',
    monthlyPresets: '10 20', monthlyPresetImpacts: '', suggestMonthly: 'on', imageUrl: '', imageAlt: '', story: 'One.\n\nTwo.',
  };

  it('creates a campaign, then edits it; dates are days in its zone, the last day included', async () => {
    const s = await signIn();
    const created = await post('/admin/campaigns', s, { ...form, csrf: s.csrf }).expect(303);
    expect(created.headers.location).toMatch(/^\/admin\/campaigns\/autumn\/edit\?notice=/);
    const row = await db.prisma.campaign.findUniqueOrThrow({ where: { slug: 'autumn' } });
    expect({ goal: row.goal, presets: row.presetAmounts, monthly: row.monthlyPresetAmounts, impacts: row.presetImpacts, suggest: row.suggestMonthly }).toEqual({
      goal: 5_000_000n, presets: [2500, 5000, 10000], monthly: [1000, 2000], impacts: ['a notebook', 'a day of reporting'], suggest: true,
    });
    expect(row.startsAt.toISOString()).toBe('2026-09-01T04:00:00.000Z');
    expect(row.endsAt.toISOString()).toBe('2026-10-01T04:00:00.000Z');
    const edit = await request(app).get('/admin/campaigns/autumn/edit').set('Cookie', s.cookie).expect(200);
    expect(edit.text).toContain('id="endsAt" name="endsAt" value="2026-09-30"');
    expect(edit.text).toContain('id="goal" name="goal" value="50000.00"');
    await post('/admin/campaigns/autumn', s, { ...form, slug: undefined, title: 'Autumn drive 2026', csrf: s.csrf }).expect(303);
    expect((await db.prisma.campaign.findUniqueOrThrow({ where: { slug: 'autumn' } })).title).toBe('Autumn drive 2026');
  });

  it('shows the form again with each problem beside its field, and writes nothing', async () => {
    const s = await signIn();
    const res = await post('/admin/campaigns', s, { ...form, title: '', goal: 'lots', csrf: s.csrf }).expect(400);
    expect(res.text).toContain('id="goal-error"');
    expect(res.text).toContain('value="lots"');
    const again = await post('/admin/campaigns', s, { ...form, title: '', endsAt: '2026-08-01', presetImpacts: 'a\nb\nc\nd', csrf: s.csrf }).expect(400);
    expect(again.text).toContain('id="title-error"');
    expect(again.text).toContain('Story'); // the whole form, not an error page
    const order = await post('/admin/campaigns', s, { ...form, endsAt: '2026-08-01', csrf: s.csrf }).expect(400);
    expect(order.text).toContain('id="endsAt-error"');
    await post('/admin/campaigns', s, { ...form }).expect(403);
    expect(await db.prisma.campaign.count()).toBe(0);
  });
});

describe('monthly donors, exports and the chart', () => {
  it('counts running, failing, paused and cancelled monthly donors (who cancelled and when), and the revenue of running gifts', async () => {
    const c = await campaign(db, 'spring');
    const states = [
      { subscriptionStatus: 'active' }, { subscriptionStatus: 'active' }, { subscriptionStatus: 'past_due' }, { subscriptionStatus: 'canceled' },
      { subscriptionStatus: 'active', pausedAt: now },
      { subscriptionStatus: 'active', status: 'cancelled' as const, cancelledAt: new Date('2026-06-14T09:30:00Z'), cancelledBy: 'donor' },
    ];
    for (const [i, state] of states.entries()) {
      const p = await pledge(db, c, { frequency: 'monthly', amount: 1000 * (i + 1), email: `m${i}@example.org` });
      await db.prisma.pledge.update({ where: { id: p.id }, data: { stripeSubscriptionId: `sub_${i}`, completedAt: now, ...state } });
    }
    const s = await signIn();
    const res = await request(app).get('/admin/monthly').set('Cookie', s.cookie).expect(200);
    const total = (k: string) => new RegExp(`data-total="${k}">([^<]*)`).exec(res.text)![1];
    // $10 + $20 running; the failing $30 (Stripe retrying a declined card), the paused $50 and the cancelled $40 and $60 not.
    expect(/data-revenue="usd">([^<]*)/.exec(res.text)![1]).toBe('$30');
    expect([total('running'), total('failing'), total('paused'), total('cancelled')]).toEqual(['2', '1', '1', '2']);
    expect(res.text).toContain('<td data-state="cancelled">cancelled<br><span class="muted">by the donor (manage page) on 2026-06-14 09:30</span></td>');
    expect(res.text).toContain('<td data-state="paused">paused<br><span class="muted">since 2026-06-15 12:00</span></td>');
  });

  it('the export form leads to the CSV with its filters; format=excel starts with a byte order mark', async () => {
    const c = await campaign(db, 'spring');
    await payment(db, { ...(await pledge(db, c, { name: 'Seán', createdAt: new Date('2026-06-10T15:00:00Z') })), currency: 'usd', amount: 5000 }, { paidAt: new Date('2026-06-10T15:00:00Z') });
    const s = await signIn();
    const hop = await request(app).get('/admin/export').query({ kind: 'pledges', campaign: 'spring', from: '2026-06-01', to: '2026-06-10', format: 'excel' })
      .set('Cookie', s.cookie).expect(303);
    expect(hop.headers.location).toBe('/admin/exports/pledges.csv?campaign=spring&from=2026-06-01&to=2026-06-11&format=excel');
    const empty = await request(app).get('/admin/export').query({ kind: 'payments', campaign: '', from: '', to: '', format: 'csv' }).set('Cookie', s.cookie).expect(303);
    expect(empty.headers.location).toBe('/admin/exports/payments.csv');
    const excel = await request(app).get(hop.headers.location!).set('Cookie', s.cookie).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    const bytes = excel.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('Seán');
    const plain = await request(app).get('/admin/exports/pledges.csv?campaign=spring').set('Cookie', s.cookie).expect(200);
    expect(plain.text.charCodeAt(0)).not.toBe(0xfeff); // scripts keep plain UTF-8
  });

  it('a campaign that has not started shows a clear empty chart, with a labelled y-axis once there are gifts', async () => {
    await db.prisma.campaign.create({
      data: { slug: 'later', title: 'Later', goal: 1000n, currency: 'usd', timezone: 'UTC', startsAt: new Date('2026-07-01T00:00:00Z'), endsAt: new Date('2026-08-01T00:00:00Z'), presetAmounts: [] },
    });
    const c = await campaign(db, 'spring');
    await payment(db, { ...(await pledge(db, c)), currency: 'usd', amount: 1234 }, { paidAt: new Date('2026-06-10T15:00:00Z') });
    const s = await signIn();
    const page = await request(app).get('/admin').set('Cookie', s.cookie).expect(200);
    expect(page.text).toContain('<strong>No gifts yet.</strong> The campaign opens on Wednesday, July 1, 2026 at 12:00 AM UTC');
    expect(page.text).not.toContain('Raised per day,  to :');
    expect(page.text).toMatch(/<text x="0" y="\d+" class="y-label">\$20<\/text>/); // a round top above $12.34
    expect(page.text).toContain('class="scroll" tabindex="0" role="region" aria-label="Table of recent payments"');
  });
});
