// The HTML form path: form-encoded, amount as typed, a 303 to Checkout or the form again with
// errors beside the fields and the donor's input kept; then Checkout's page to the thank-you page.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let server: Awaited<ReturnType<typeof listen>>;

const form = {
  campaign: 'winter', currency: 'usd', frequency: 'once', amount: 'custom', custom_amount: '25.50',
  email: 'donor@example.org', name: 'Ann', form_token: 'tok_abcdefghijklmnop',
};

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  // A real port, so the emulator's success_url leads back to this app.
  server = await listen((req, res) => app(req, res));
  const app = buildApp(db, {
    stripe: emulatorStripe(emulator), checkoutOrigin: emulator.url, config: testConfig({ PUBLIC_URL: `http://127.0.0.1:${server.port}` }),
  });
});
afterAll(async () => {
  await server.close();
  await emulator.stop();
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query('TRUNCATE pledges, campaigns CASCADE');
  await insertCampaign(db, { slug: 'winter', presetAmounts: [1000, 2500, 5000] });
  emulator.requests.length = 0;
});

const post = (body: Record<string, string>) => request(server.url).post('/api/pledges').type('form').send(body);

describe('the donation form', () => {
  it('renders with presets, without JavaScript needed', async () => {
    const res = await request(server.url).get('/campaigns/winter').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('action="/api/pledges"');
    expect(res.text).toContain('value="25.00"');
    expect(res.text).toContain('name="form_token"');
    expect(res.text).toMatch(/name="website"/); // the honeypot
  });

  it('posts and gets a 303 to Checkout, with the typed amount in minor units', async () => {
    const res = await post(form).expect(303);
    expect(res.headers.location).toMatch(new RegExp(`^${emulator.url}/checkout/cs_`));
    const pledge = await db.prisma.pledge.findFirstOrThrow();
    expect(pledge).toMatchObject({ amount: 2550, name: 'Ann', frequency: 'once' });
  });

  it('uses a preset amount and the checkboxes', async () => {
    await post({ ...form, amount: '10.00', custom_amount: '', coverFees: 'on', anonymous: 'on' }).expect(303);
    expect(await db.prisma.pledge.findFirstOrThrow()).toMatchObject({ amount: 1061, coveredFee: 61, anonymous: true });
  });

  it('a double submission of one form makes one pledge', async () => {
    const [a, b] = await Promise.all([post(form), post(form)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await db.prisma.pledge.count()).toBe(1);
  });

  it('comes back with errors beside the fields and the input kept', async () => {
    const res = await post({ ...form, custom_amount: '25.505', email: 'not-an-email', name: '<b>Ann</b>' }).expect(400);
    expect(res.text).toContain('id="amount-error"');
    expect(res.text).toContain('id="email-error"');
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('value="25.505"');
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('&lt;b&gt;Ann&lt;/b&gt;');
    expect(res.text).not.toContain('<b>Ann</b>');
    expect(await db.prisma.pledge.count()).toBe(0);
  });

  it('explains an amount under the minimum in the currency', async () => {
    const res = await post({ ...form, custom_amount: '0.10' }).expect(400);
    expect(res.text).toMatch(/at least \$0\.50/);
  });

  it('drops a bot that fills the honeypot, writing nothing', async () => {
    await post({ ...form, website: 'http://spam.example' }).expect(303);
    expect(await db.prisma.pledge.count()).toBe(0);
    expect(emulator.requests.filter((r) => r.path === '/v1/checkout/sessions')).toHaveLength(0);
  });

  it('takes a pledge through the Checkout page to the thank-you page', async () => {
    const created = await post(form).expect(303);
    const location = created.headers.location!;
    const checkout = await request(location).get('').expect(200);
    expect(checkout.text).toContain('25.50');
    const sessionId = location.split('/').pop()!;
    const paid = await request(emulator.url).post(`/checkout/${sessionId}`).type('form').send({ outcome: 'succeeded' }).expect(303);
    expect(paid.headers.location).toBe(`${server.url}/donate/thanks?session_id=${sessionId}`);
    const thanks = await request(paid.headers.location!).get('').expect(200);
    expect(thanks.text).toMatch(/data-state="(paid|pending)"/);
    expect(thanks.text).toContain('$25.50');
  });

  it('keeps the donor’s choice to show their amount on the supporters list (off unless asked)', async () => {
    await post({ ...form, showAmount: 'on', form_token: 'tok_showamount_0001' }).expect(303);
    await post({ ...form, email: 'quiet@example.org', form_token: 'tok_showamount_0002' }).expect(303);
    const shown = await db.prisma.pledge.findFirstOrThrow({ where: { email: 'donor@example.org' } });
    const quiet = await db.prisma.pledge.findFirstOrThrow({ where: { email: 'quiet@example.org' } });
    expect([shown.showAmount, quiet.showAmount]).toEqual([true, false]);
  });

  it('brings a cancelled donor back to the form with the amount, email, name and fee choice kept', async () => {
    const created = await post({ ...form, frequency: 'monthly', coverFees: 'on' }).expect(303);
    // Kept in the donor's own browser, never in a URL Stripe or a history would keep.
    const cookie = created.headers['set-cookie']![0]!.split(';')[0]!;
    expect(created.headers['set-cookie']![0]).toMatch(/^donation_draft=.*HttpOnly.*SameSite=Lax/i);
    const session = emulator.requests.find((r) => r.path === '/v1/checkout/sessions')!;
    const cancelUrl = new URL(session.body.cancel_url);
    expect(created.status).toBe(303);
    const cancelled = await request(server.url).get(`${cancelUrl.pathname}${cancelUrl.search}`).expect(200);
    const back = /href="([^"]+)"/.exec(cancelled.text.split('Back to the donation form')[0]!.split('<a class="button"').pop()!)![1]!;
    expect(back).toBe('/campaigns/winter?amount=2550&amp;frequency=monthly&amp;resume=1');
    expect(session.body.cancel_url).not.toContain('donor');
    const formAgain = await request(server.url).get(back.replaceAll('&amp;', '&')).set('Cookie', cookie).expect(200);
    expect(formAgain.text).toContain('value="25.50"');
    expect(formAgain.text).toMatch(/value="monthly" checked/);
    expect(formAgain.text).toContain('value="donor@example.org"');
    expect(formAgain.text).toContain('value="Ann"');
    expect(formAgain.text).toMatch(/name="coverFees" value="on" checked/);
    // Without the way back from Checkout, the form starts empty even in that browser.
    const fresh = await request(server.url).get('/campaigns/winter').set('Cookie', cookie).expect(200);
    expect(fresh.text).not.toContain('donor@example.org');
  });
});
