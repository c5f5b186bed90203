// The thank-you page as Stripe's webhooks leave a pledge (real signed deliveries of the real
// payload shapes): the money as it really stands (gift + covered fee = total, a reference, the
// next monthly date), a bank debit that is processing, a flagged payment that is not thanked as
// whole and keeps its donor off the public list, and, while Stripe is still confirming, a page
// that reloads itself without JavaScript a bounded number of times.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { THANKS_REFRESH_SECONDS } from '../../../src/web/web-routes.ts';
import { buildApp, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { deliver } from '../webhooks/webhook-harness.ts';
import { stripeFixture } from '../../helpers/stripe-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let campaignId: string;

let n = 0;
async function pledgeFor(data: { amount: number; coveredFee?: number; name?: string; frequency?: 'once' | 'monthly' }) {
  n += 1;
  return db.prisma.pledge.create({
    data: {
      campaignId, amount: data.amount, currency: 'usd', frequency: data.frequency ?? 'once', email: `d${n}@example.org`,
      name: data.name ?? null, coveredFee: data.coveredFee ?? 0, coverFees: (data.coveredFee ?? 0) > 0,
      checkoutSessionId: `cs_thanks_${n}`,
    },
  });
}

/** Stripe's checkout.session.completed for one of our sessions, as Stripe would sign and send it. */
async function completed(pledge: { id: string; checkoutSessionId: string | null }, patch: Record<string, unknown>) {
  const event = stripeFixture('checkout.session.completed.payment');
  event.id = `evt_thanks_${pledge.id.slice(0, 8)}`;
  Object.assign(event.data.object, {
    id: pledge.checkoutSessionId, currency: 'usd', payment_intent: `pi_thanks_${pledge.id.slice(0, 8)}`,
    metadata: { pledge_id: pledge.id }, ...patch,
  });
  await deliver(app, event).expect(200);
}

const thanks = (sessionId: string | null, query = '') => request(app).get(`/donate/thanks?session_id=${sessionId}${query}`).expect(200);
const row = (text: string, key: string) => new RegExp(`data-row="${key}"><dt>[^<]*</dt><dd>([^<]*)</dd>`).exec(text)?.[1];

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
});
afterAll(() => db.drop());
beforeEach(async () => {
  await truncateAll(db);
  campaignId = (await insertCampaign(db, { slug: 'thanks' })).id;
});

describe('a flagged payment (Stripe charged other than the pledge)', () => {
  it('is not thanked as whole: the page says what was really charged, and nothing is called received', async () => {
    const pledge = await pledgeFor({ amount: 1000, name: 'Penny Wise' });
    await completed(pledge, { amount_total: 1, amount_subtotal: 1 });
    const res = await thanks(pledge.checkoutSessionId);
    expect(res.text).toMatch(/<h1 data-state="flagged">Thank you: we are checking your payment<\/h1>/);
    expect(res.text).not.toContain('has been received');
    expect(res.text).toContain('Stripe reports a charge of <strong>$0.01</strong>, not the <strong>$10</strong> you chose to give');
    expect(row(res.text, 'received')).toBe('$0.01');
    expect(row(res.text, 'reference')).toBe(pledge.id.replace(/-/g, '').slice(0, 8).toUpperCase());
    expect(res.text).not.toContain('http-equiv="refresh"'); // a final state: nothing to wait for
  });

  it('keeps its donor off the public supporters list, unlike a whole payment', async () => {
    const whole = await pledgeFor({ amount: 1000, name: 'Whole Donor' });
    await completed(whole, { amount_total: 1000, amount_subtotal: 1000 });
    const flagged = await pledgeFor({ amount: 1000, name: 'Penny Wise' });
    await completed(flagged, { amount_total: 1, amount_subtotal: 1 });
    const page = await request(app).get('/campaigns/thanks').expect(200);
    expect(page.text).toContain('Whole Donor');
    expect(page.text).not.toContain('Penny Wise');
  });
});

describe('the money as it stands', () => {
  it('a paid gift with the fee covered: gift + fee = total charged, and a reference', async () => {
    const pledge = await pledgeFor({ amount: 2606, coveredFee: 106 });
    await completed(pledge, { amount_total: 2606, amount_subtotal: 2606 });
    const res = await thanks(pledge.checkoutSessionId);
    expect(res.text).toContain('data-state="paid"');
    expect(row(res.text, 'gift')).toBe('$25');
    expect(row(res.text, 'fee')).toBe('$1.06');
    expect(row(res.text, 'total')).toBe('$26.06');
    expect(row(res.text, 'reference')).toMatch(/^[0-9A-F]{8}$/);
    // A one-time gift has nothing to manage.
    expect(res.text).not.toContain('data-manage');
  });

  it('a bank debit still clearing is "processing", not "confirming"', async () => {
    const pledge = await pledgeFor({ amount: 3000 });
    await completed(pledge, { amount_total: 3000, amount_subtotal: 3000, payment_status: 'unpaid' });
    const res = await thanks(pledge.checkoutSessionId);
    expect(res.text).toContain('<h1 data-state="processing">');
    expect(res.text).toContain('bank debit');
    expect(res.text).not.toContain('http-equiv="refresh"');
  });

  it('a monthly gift says when the next one is taken (the anchor day, or the month\'s last day)', async () => {
    const pledge = await pledgeFor({ amount: 1500, frequency: 'monthly' });
    await db.prisma.pledge.update({
      where: { id: pledge.id },
      data: { status: 'completed', subscriptionStatus: 'active', subscriptionStatusAt: new Date('2027-01-31T10:00:00Z') },
    });
    await db.prisma.payment.create({
      data: {
        pledgeId: pledge.id, campaignId, status: 'succeeded', currency: 'usd', amount: 1500, stripeInvoiceId: 'in_thanks_1',
        paidAt: new Date('2027-01-31T10:00:05Z'),
      },
    });
    const res = await thanks(pledge.checkoutSessionId);
    expect(row(res.text, 'total')).toBe('$15 a month');
    expect(res.text).toContain('Your next gift of <strong>$15</strong> will be taken on <strong>February 28, 2027</strong>.');
    // Where the donor changes, pauses or cancels it later.
    expect(res.text).toContain('<p data-manage><a href="/manage">Manage your monthly gift</a>');
  });
});

describe('while Stripe is still confirming', () => {
  it('without JavaScript the page reloads itself, less and less often, then stops and says why', async () => {
    const pledge = await pledgeFor({ amount: 2500 });
    const refreshes: string[] = [];
    let url = `/donate/thanks?session_id=${pledge.checkoutSessionId}`;
    for (let i = 0; i <= THANKS_REFRESH_SECONDS.length; i++) {
      const res = await request(app).get(url).expect(200);
      expect(res.text).toContain('<h1 data-state="pending">');
      expect(res.headers['cache-control']).toBe('no-store');
      const meta = /<noscript><meta http-equiv="refresh" content="(\d+);url=([^"]+)"><\/noscript>/.exec(res.text);
      if (!meta) {
        expect(res.text).toContain('Stripe has not confirmed your donation');
        expect(res.text).toContain('Check again');
        expect(res.text).not.toContain('data-poll');
        break;
      }
      refreshes.push(meta[1]!);
      url = meta[2]!.replace(/&amp;/g, '&');
    }
    expect(refreshes.map(Number)).toEqual(THANKS_REFRESH_SECONDS);
    expect(THANKS_REFRESH_SECONDS.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(180);
    // The page the refreshes land on moves on as soon as the webhook has been applied.
    await completed(pledge, { amount_total: 2500, amount_subtotal: 2500 });
    expect((await thanks(pledge.checkoutSessionId, '&check=3')).text).toContain('<h1 data-state="paid">');
  });

  it('with JavaScript, thanks.js is given the same schedule to poll on', async () => {
    const pledge = await pledgeFor({ amount: 2500 });
    const res = await thanks(pledge.checkoutSessionId);
    expect(res.text).toContain(`data-poll="${THANKS_REFRESH_SECONDS.join(',')}"`);
    expect(res.text).toContain('<script src="/assets/thanks.js" defer></script>');
  });

  it('a made-up or malformed check count is harmless', async () => {
    const pledge = await pledgeFor({ amount: 2500 });
    for (const check of ['-1', 'abc', '99', '1e3']) {
      const res = await thanks(pledge.checkoutSessionId, `&check=${check}`);
      expect(res.text, check).toContain('<h1 data-state="pending">');
    }
  });
});

describe('the receipt it promises', () => {
  const promise = /receipt is on its way|receipt will arrive by email|We will email you/;

  /** Each state's page: paid, processing, pending (first and after the last reload), unknown. */
  async function pages(target: ReturnType<typeof buildApp>) {
    const get = (sessionId: string | null, query = '') =>
      request(target).get(`/donate/thanks?session_id=${sessionId}${query}`).expect(200).then((r) => r.text);
    const paid = await pledgeFor({ amount: 2500 });
    await completed(paid, { amount_total: 2500, amount_subtotal: 2500 });
    const processing = await pledgeFor({ amount: 3000 });
    await completed(processing, { amount_total: 3000, amount_subtotal: 3000, payment_status: 'unpaid' });
    const pending = await pledgeFor({ amount: 2000 });
    return {
      paid: await get(paid.checkoutSessionId),
      processing: await get(processing.checkoutSessionId),
      pending: await get(pending.checkoutSessionId),
      givenUp: await get(pending.checkoutSessionId, `&check=${THANKS_REFRESH_SECONDS.length}`),
      unknown: await get('nope'),
    };
  }

  it('with RECEIPTS=on every state tells the donor an email is coming', async () => {
    const seen = await pages(app);
    expect(seen.paid).toContain('A receipt is on its way to your inbox.');
    for (const [state, text] of Object.entries(seen)) expect(text, state).toMatch(promise);
    expect(seen.pending).toContain('data-given-up="Stripe has not confirmed your donation yet. This can take a few minutes; your receipt will arrive by email, and you can close this page."');
  });

  it('with RECEIPTS=off no state promises an email the service will not send', async () => {
    const silent = buildApp(db, { config: testConfig({ RECEIPTS: 'off' }) });
    const seen = await pages(silent);
    expect(seen.paid).toContain('data-state="paid"');
    expect(seen.paid).toContain('has been received.');
    for (const [state, text] of Object.entries(seen)) expect(text, state).not.toMatch(promise);
    expect(seen.pending).toContain('data-given-up="Stripe has not confirmed your donation yet. This can take a few minutes; you can close this page."');
  });
});
