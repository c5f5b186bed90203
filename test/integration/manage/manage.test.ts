// Monthly donors manage their gift: the signed link (expired, tampered, another donor's), the
// request form that never reveals a donor, and amount change, pause, cancel and the customer
// portal through the emulator, each reaching the pledge through webhooks.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signManageToken } from '../../../src/manage/manage-token.ts';
import { testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { outboxRows, startMailStack, type MailStack } from '../../helpers/mail.ts';
import { mintKey } from '../admin/admin-fixtures.ts';
import { payments, startHarness, type Harness } from '../webhooks/webhook-harness.ts';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
let db: TestDatabase;
let h: Harness;
let mail: MailStack;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db, { config: testConfig({ MANAGE_LINK_SECRET: SECRET, ORG_NAME: 'The Tribune Fund' }) });
  mail = await startMailStack(db);
  await insertCampaign(db, { slug: 'monthly' });
});
afterAll(async () => {
  await mail?.close();
  await h?.close();
  await db?.drop();
});

async function monthlyDonor(email: string, amount = 1000, coverFees = false) {
  const res = await request(h.url).post('/api/pledges').send({ campaign: 'monthly', amount, currency: 'usd', frequency: 'monthly', email, name: 'Mo', coverFees });
  expect(res.status).toBe(201);
  await h.helper(`/v1/test_helpers/checkout/sessions/${res.body.checkoutSessionId}/pay`);
  await h.emulator.flushDeliveries();
  await mail.sender.drain();
  const receipt = (await outboxRows(db, `to_address = '${email}' AND kind = 'receipt'`))[0]!;
  const link = /http:\/\/donate\.test(\/manage\/[\w-]+\.[\w-]+)/.exec(receipt.text)![1]!;
  return { pledgeId: res.body.id as string, link };
}

async function pledgeRow(id: string) {
  const { rows } = await db.pool.query(
    `SELECT amount, covered_fee AS "coveredFee", status::text, paused_at AS "pausedAt", cancelled_at AS "cancelledAt", cancelled_by AS "cancelledBy",
            stripe_subscription_id AS "subscriptionId" FROM pledges WHERE id = $1`,
    [id],
  );
  return rows[0];
}

const post = (path: string, form: Record<string, string> = {}) => request(h.app).post(path).type('form').send(form);
const settle = () => h.emulator.flushDeliveries();

describe('the manage link', () => {
  it('opens the donor\'s own gifts and receipts; an expired, tampered or malformed link opens nothing', async () => {
    const { link } = await monthlyDonor('link@example.org');
    const page = await request(h.app).get(link).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('For link@example.org');
    expect(page.text).toContain('$10 a month');
    expect(page.text).toContain('Your receipt for your monthly gift of $10.00 to The Tribune Fund');

    const expired = signManageToken('link@example.org', new Date(Date.now() - 1000), SECRET);
    const gone = await request(h.app).get(`/manage/${expired}`).expect(410);
    expect(gone.text).toContain('This link has expired');
    const [payload, sig] = link.slice('/manage/'.length).split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ e: 'someone@example.org', x: 4102444800 })).toString('base64url');
    expect((await request(h.app).get(`/manage/${forged}.${sig}`).expect(403)).text).toContain('This link is not valid');
    await request(h.app).get(`/manage/${payload}.${sig.slice(0, -2)}xx`).expect(403);
    await request(h.app).get('/manage/not-a-token').expect(403);
    expect((await request(h.app).get(`/manage/${signManageToken('link@example.org', new Date(Date.now() + 60_000), 'another-secret-of-at-least-thirty-two-chars')}`)).status).toBe(403);
  });

  it('another donor\'s link cannot touch this donor\'s gift', async () => {
    const mine = await monthlyDonor('mine@example.org');
    const theirs = await monthlyDonor('theirs@example.org');
    const res = await post(`${theirs.link}/gifts/${mine.pledgeId}/cancel`);
    expect(res.status).toBe(404);
    expect((await request(h.app).get(theirs.link)).text).not.toContain('mine@example.org');
    await settle();
    expect(await pledgeRow(mine.pledgeId)).toMatchObject({ status: 'completed', cancelledAt: null });
  });
});

describe('changing the monthly gift', () => {
  it('lowers the amount without proration; the pledge follows by webhook, and the next invoice is the new amount, not flagged', async () => {
    const { pledgeId, link } = await monthlyDonor('lower@example.org', 2000);
    const form = await request(h.app).get(link);
    const nonce = /name="nonce" value="([^"]+)"/.exec(form.text)![1]!;
    const res = await post(`${link}/gifts/${pledgeId}/amount`, { amount: '7.50', nonce });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${link}?amount=%247.50`);
    const update = h.emulator.requests.find((r) => r.method === 'POST' && r.path.startsWith('/v1/subscriptions/sub_'));
    expect(update?.body).toMatchObject({ proration_behavior: 'none' });
    // The same form posted twice (a double click) is one change at Stripe.
    await post(`${link}/gifts/${pledgeId}/amount`, { amount: '7.50', nonce });
    await settle();
    expect(await pledgeRow(pledgeId)).toMatchObject({ amount: 750, coveredFee: 0 });
    expect((await request(h.app).get(`${link}?amount=%247.50`)).text).toContain('Your monthly gift will be $7.50 from the next one on.');

    const sub = await h.stripe.subscriptions.retrieve((await pledgeRow(pledgeId)).subscriptionId);
    expect(sub.items.data[0]!.price.unit_amount).toBe(750);
    await h.helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`);
    await settle();
    const rows = await payments(db, 'pledge_id = $1', [pledgeId]);
    expect(rows.map((p) => [p.amount, p.flag])).toEqual([[2000, null], [750, null]]);
  });

  it('refuses an amount out of range with the form again, and changes nothing', async () => {
    const { pledgeId, link } = await monthlyDonor('range@example.org');
    const res = await post(`${link}/gifts/${pledgeId}/amount`, { amount: '0.10', nonce: 'abcdefghij' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter an amount from $0.50 to $100,000');
    const subPath = `/v1/subscriptions/${(await pledgeRow(pledgeId)).subscriptionId}`;
    expect(h.emulator.requests.filter((r) => r.path === subPath && r.method === 'POST')).toHaveLength(0);
  });

  it('a donor who covers the fee keeps covering it at the new amount', async () => {
    const { pledgeId, link } = await monthlyDonor('cover@example.org', 2500, true);
    await post(`${link}/gifts/${pledgeId}/amount`, { amount: '10', nonce: 'coverfee01' }).expect(303);
    await settle();
    expect(await pledgeRow(pledgeId)).toMatchObject({ amount: 1061, coveredFee: 61 });
  });

  it('pause and resume', async () => {
    const { pledgeId, link } = await monthlyDonor('pause@example.org');
    await post(`${link}/gifts/${pledgeId}/pause`).expect(303);
    await settle();
    expect((await pledgeRow(pledgeId)).pausedAt).toBeInstanceOf(Date);
    expect((await request(h.app).get(link)).text).toMatch(/data-state>Paused/);
    await post(`${link}/gifts/${pledgeId}/resume`).expect(303);
    await settle();
    expect((await pledgeRow(pledgeId)).pausedAt).toBeNull();
  });

  it('cancel: the pledge is cancelled by webhook, the staff view says by whom and when, and monthly revenue leaves it out', async () => {
    const { pledgeId, link } = await monthlyDonor('cancel@example.org', 4200);
    const { key } = await mintKey(db);
    const signIn = await request(h.app).post('/admin/sign-in').type('form').send({ key }).expect(303);
    const cookie = signIn.headers['set-cookie']![0]!.split(';')[0]!;
    const revenue = async () => {
      const staff = await request(h.app).get('/admin/monthly').set('Cookie', cookie).expect(200);
      return { text: staff.text, usd: /data-revenue="usd">([^<]+)</.exec(staff.text)?.[1] };
    };
    const before = await revenue();
    await post(`${link}/gifts/${pledgeId}/cancel`).expect(303);
    await settle();
    expect(await pledgeRow(pledgeId)).toMatchObject({ status: 'cancelled', cancelledBy: 'donor' });
    expect((await pledgeRow(pledgeId)).cancelledAt).toBeInstanceOf(Date);
    const after = await revenue();
    expect(after.usd).not.toBe(before.usd);
    const cents = (s: string | undefined) => Number(/\$([\d,.]+)/.exec(s ?? '')![1]!.replace(/,/g, '')) * 100;
    expect(Math.round(cents(before.usd) - cents(after.usd))).toBe(4200);
    expect(after.text).toMatch(new RegExp(`data-pledge="${pledgeId}"[\\s\\S]*?cancelled<br><span class="muted">by the donor \\(manage page\\) on \\d{4}-`));
    // A cancelled gift offers nothing more to change.
    expect((await post(`${link}/gifts/${pledgeId}/pause`)).status).toBe(409);
  });

  it('the card button opens the emulator\'s customer portal, where the card is updated and the subscription can be cancelled', async () => {
    const { pledgeId, link } = await monthlyDonor('portal@example.org');
    const res = await post(`${link}/gifts/${pledgeId}/card`).expect(303);
    const portalUrl = new URL(res.headers.location!);
    expect(portalUrl.origin).toBe(h.emulator.url);
    const portal = await request(h.emulator.url).get(portalUrl.pathname).expect(200);
    expect(portal.text).toContain('10.00 USD / month');
    const subId = (await pledgeRow(pledgeId)).subscriptionId;
    const before = (await h.stripe.subscriptions.retrieve(subId)).default_payment_method;
    await request(h.emulator.url).post(`${portalUrl.pathname}/card`).type('form').send({ number: '4242424242424242' }).expect(200);
    expect((await h.stripe.subscriptions.retrieve(subId)).default_payment_method).not.toBe(before);
    await request(h.emulator.url).post(`${portalUrl.pathname}/cancel/${subId}`).type('form').expect(200);
    await settle();
    expect(await pledgeRow(pledgeId)).toMatchObject({ status: 'cancelled', cancelledBy: 'cancellation_requested' });
  });
});

describe('asking for a link', () => {
  it('answers the same whether or not the address gave, sends a link only to a donor, and is rate-limited', async () => {
    await monthlyDonor('ask@example.org');
    const known = await post('/manage', { email: 'ask@example.org' }).expect(200);
    const unknown = await post('/manage', { email: 'stranger@example.org' }).expect(200);
    const strip = (t: string) => t.replace(/value="[^"]*"/g, '');
    expect(strip(known.text)).toBe(strip(unknown.text));
    await post('/manage', { email: 'ask@example.org' }).expect(200);
    const links = await outboxRows(db, `kind = 'manage_link'`);
    expect(links.map((l) => l.to_address)).toEqual(['ask@example.org']);
    await mail.sender.drain();
    const sent = (await mail.parsed()).find((m) => m.subject === 'Your link to manage your donations to The Tribune Fund')!;
    const url = /http:\/\/donate\.test(\/manage\/\S+)/.exec(sent.text!)![1]!;
    expect((await request(h.app).get(url).expect(200)).text).toContain('For ask@example.org');
    await post('/manage', { email: 'x@example.org' }).expect(200);
    await post('/manage', { email: 'y@example.org' }).expect(200);
    expect((await post('/manage', { email: 'z@example.org' })).status).toBe(429);
  });

  it('refuses a post from another site', async () => {
    const res = await request(h.app).post('/manage').type('form').set('Sec-Fetch-Site', 'cross-site').send({ email: 'a@example.org' });
    expect(res.status).toBe(403);
  });
});
