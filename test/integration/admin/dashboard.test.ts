// The staff dashboard over HTTP: sign-in with a key, the session cookie's flags, CSRF on every
// POST, revocation ending sessions, the chart's figures, replay and exports with the cookie.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAdminKeyRepository } from '../../../src/admin/admin-key-repository.ts';
import { createAdminKeyService } from '../../../src/admin/admin-key-service.ts';
import { buildApp, testConfig } from '../../helpers/app.ts';
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

async function signIn(target = app) {
  const { key, id } = await mintKey(db);
  const res = await request(target).post('/admin/sign-in').type('form').send({ key }).expect(303);
  const cookie = res.headers['set-cookie']![0]!;
  const page = await request(target).get('/admin').set('Cookie', cookie.split(';')[0]!).expect(200);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
  return { cookie: cookie.split(';')[0]!, rawCookie: cookie, csrf, page, keyId: id };
}

describe('signing in', () => {
  it('shows the sign-in form without a session, and refuses a wrong key', async () => {
    const form = await request(app).get('/admin').expect(200);
    expect(form.text).toContain('action="/admin/sign-in"');
    expect(form.headers['cache-control']).toBe('no-store');
    const wrong = await request(app).post('/admin/sign-in').type('form').send({ key: 'dk_live_' + 'x'.repeat(43) }).expect(401);
    expect(wrong.text).toContain('That key is not valid.');
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Strict session cookie scoped to /admin (Secure over https)', async () => {
    const { rawCookie } = await signIn();
    expect(rawCookie).toMatch(/^admin_session=[^;]+; Max-Age=28800; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
    const https = buildApp(db, { clock: () => now, config: testConfig({ PUBLIC_URL: 'https://give.example.org' }) });
    const { key } = await mintKey(db, 'https');
    const res = await request(https).post('/admin/sign-in').type('form').send({ key }).expect(303);
    expect(res.headers['set-cookie']![0]).toMatch(/; Secure/);
  });

  it('ends every session of a key when the key is revoked', async () => {
    const { cookie, keyId } = await signIn();
    await createAdminKeyService({ keys: createAdminKeyRepository(db) }).revoke(keyId);
    const res = await request(app).get('/admin').set('Cookie', cookie).expect(200);
    expect(res.text).toContain('action="/admin/sign-in"'); // back to the form
  });

  it('refuses a forged or tampered cookie', async () => {
    const { cookie } = await signIn();
    const tampered = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(tampered).not.toBe(cookie);
    const res = await request(app).get('/admin').set('Cookie', tampered).expect(200);
    expect(res.text).toContain('action="/admin/sign-in"');
    await request(app).get('/admin/exports/payments.csv').set('Cookie', tampered).expect(401);
  });
});

describe('the dashboard', () => {
  it('shows totals, a daily chart, recent payments and failed events', async () => {
    const c = await campaign(db, 'spring');
    const p1 = await pledge(db, c, { name: '<i>Ann</i>' });
    await payment(db, { ...p1, currency: 'usd', amount: 5000 }, { paidAt: new Date('2026-06-10T15:00:00Z') });
    const p2 = await pledge(db, c);
    await payment(db, { ...p2, currency: 'usd', amount: 2000 }, { paidAt: new Date('2026-06-12T15:00:00Z'), amountRefunded: 500 });
    await db.prisma.webhookEvent.create({
      data: { id: 'evt_failed_1', type: 'charge.refunded', payload: {}, status: 'failed', attempts: 2, lastError: 'boom <b>', stripeCreatedAt: now },
    });
    const { page } = await signIn();
    expect(page.text).toContain('data-total="raised">$65');
    expect(page.text).toContain('data-total="refunded">$5');
    expect(page.text).toMatch(/<rect class="chart-bar"[^>]*data-day="2026-06-10" data-raised="5000"/);
    expect(page.text).toMatch(/<rect class="chart-bar"[^>]*data-day="2026-06-12" data-raised="1500"/);
    expect(page.text).toMatch(/<rect class="chart-bar"[^>]*data-day="2026-06-11" data-raised="0"/);
    expect(page.text).toContain('&lt;i&gt;Ann&lt;/i&gt;');
    expect(page.text).toContain('evt_failed_1');
    expect(page.text).toContain('boom &lt;b&gt;');
    expect(page.text).toContain('href="/admin/exports/payments.csv?campaign=spring"');
  });

  it('downloads the exports with the session cookie, and not without it', async () => {
    const c = await campaign(db, 'csv');
    await payment(db, { ...(await pledge(db, c)), currency: 'usd', amount: 1234 });
    const { cookie } = await signIn();
    const csv = await request(app).get('/admin/exports/payments.csv').set('Cookie', cookie).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="payments-/);
    expect(csv.text).toContain('12.34');
    await request(app).get('/admin/exports/payments.csv').expect(401);
  });
});

describe('CSRF', () => {
  it('refuses a POST without the token, with a wrong token, or from another origin', async () => {
    await db.prisma.webhookEvent.create({
      data: { id: 'evt_csrf', type: 'charge.refunded', payload: {}, status: 'failed', attempts: 1, stripeCreatedAt: now },
    });
    const { cookie, csrf } = await signIn();
    const replay = () => request(app).post('/admin/webhook-events/evt_csrf/replay').set('Cookie', cookie).type('form');
    expect((await replay().send({}).expect(403)).text).toContain('This form has expired');
    await replay().send({ csrf: csrf.slice(0, -2) + 'xx' }).expect(403);
    await replay().set('Sec-Fetch-Site', 'cross-site').send({ csrf }).expect(403);
    await replay().set('Origin', 'https://evil.example').send({ csrf }).expect(403);
    // Origin null with no Sec-Fetch-Site to say otherwise: a sandboxed frame, refused.
    await replay().set('Origin', 'null').send({ csrf }).expect(403);
    expect((await db.prisma.webhookEvent.findUniqueOrThrow({ where: { id: 'evt_csrf' } })).attempts).toBe(1);
    // and without a session at all
    await request(app).post('/admin/webhook-events/evt_csrf/replay').type('form').send({ csrf }).expect(401);
  });

  it('accepts the replay from the dashboard itself', async () => {
    await db.prisma.webhookEvent.create({
      data: { id: 'evt_ok', type: 'some.unknown_type', payload: { id: 'evt_ok', type: 'some.unknown_type', created: 1_781_000_000, data: { object: {} } }, status: 'failed', attempts: 1, stripeCreatedAt: now },
    });
    const { cookie, csrf } = await signIn();
    // The headers Chromium sends from the dashboard page (Origin null was its answer to no-referrer).
    const res = await request(app).post('/admin/webhook-events/evt_ok/replay').set('Cookie', cookie)
      .set({ 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }).type('form').send({ csrf }).expect(303);
    expect(res.headers.location).toBe('/admin?replayed=evt_ok&result=ignored%3A+event+type+not+handled');
    const after = await request(app).get(res.headers.location!).set('Cookie', cookie).expect(200);
    expect(after.text).toContain('Replayed evt_ok: ignored: event type not handled');
  });

  it('signs out with the token', async () => {
    const { cookie, csrf } = await signIn();
    const res = await request(app).post('/admin/sign-out').set('Cookie', cookie)
      .set({ 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }).type('form').send({ csrf }).expect(303);
    expect(res.headers['set-cookie']![0]).toMatch(/^admin_session=;/);
    const page = await request(app).get(res.headers.location!).set('Cookie', cookie).expect(200);
    expect(page.text).toContain('You have signed out.');
    expect(page.text).toContain('action="/admin/sign-in"');
  });
});
