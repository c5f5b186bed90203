// A refund whose answer is lost is made once, however often staff ask again. The emulator's
// faults (POST /v1/test_helpers/faults) stand in for the network between us and Stripe: with
// lose_answer Stripe makes the refund and the answer never arrives; without it, Stripe fails
// before doing anything. Either way staff retry from the payment's page and exactly one refund
// exists at Stripe, under one idempotency key, recorded against one refund request.
import request from 'supertest';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { campaign, mintKey, paidCharge, payment, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let stripe: Stripe;
let app: ReturnType<typeof buildApp>;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  stripe = emulatorStripe(emulator);
  app = buildApp(db, { stripe, checkoutOrigin: emulator.url });
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});
beforeEach(async () => {
  await truncateAll(db);
  await stripe.rawRequest('DELETE', '/v1/test_helpers/faults', {});
});

async function signIn() {
  const { key } = await mintKey(db);
  const res = await request(app).post('/admin/sign-in').type('form').send({ key }).expect(303);
  const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
  const page = await request(app).get('/admin').set('Cookie', cookie).expect(200);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1]! };
}

/** A $50 charge at Stripe and its payment in our database, as the webhooks would have written it. */
async function paidPayment() {
  const charge = await paidCharge(stripe, 5000);
  const p = await pledge(db, await campaign(db, 'refunds'), { amount: 5000 });
  const row = await payment(db, { ...p, amount: 5000 }, { chargeId: charge.id, paymentIntentId: charge.payment_intent as string, paidAt: new Date() });
  return { charge, paymentId: row.id };
}

const refundsAtStripe = async (chargeId: string) => (await stripe.refunds.list({ charge: chargeId, limit: 100 })).data;
const refundKeys = () =>
  new Set(emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v1/refunds').map((r) => r.headers['idempotency-key']));
const noticeOf = (res: request.Response) => new URL(res.headers.location!, 'http://x').searchParams.get('notice');

describe.each([
  { fault: 'Stripe makes the refund and its answer is lost', loseAnswer: true, madeBeforeRetry: 1 },
  { fault: 'Stripe fails before making anything', loseAnswer: false, madeBeforeRetry: 0 },
])('a refund when $fault', ({ loseAnswer, madeBeforeRetry }) => {
  it('is made exactly once when staff retry, and nothing more than what is left can be asked for', async () => {
    const { charge, paymentId } = await paidPayment();
    const s = await signIn();
    const refund = (amount: string) =>
      request(app).post(`/admin/payments/${paymentId}/refund`).set('Cookie', s.cookie).set('Sec-Fetch-Site', 'same-origin').type('form')
        .send({ csrf: s.csrf, amount, reason: 'Donor asked twice' });
    emulator.requests.length = 0;
    // Every attempt fails the same way, the SDK's own retry included.
    await stripe.rawRequest('POST', '/v1/test_helpers/faults', { status: '500', method: 'POST', path: '/v1/refunds', count: 5, lose_answer: String(loseAnswer) });

    const first = await refund('20.00').expect(303);
    expect(noticeOf(first)).toMatch(/did not answer, so this refund may or may not have been made/);
    expect(await refundsAtStripe(charge.id)).toHaveLength(madeBeforeRetry);
    const open = await db.prisma.refundRequest.findMany();
    expect(open).toMatchObject([{ amount: 2000, status: 'requested', stripeRefundId: null }]);
    expect(open[0]!.error).toMatch(/^No answer from Stripe/);

    const page = await request(app).get(`/admin/payments/${paymentId}`).set('Cookie', s.cookie).expect(200);
    expect(page.text).toContain('Retry the refund of $20');
    expect(page.text).not.toContain('Review the refund');
    // A different refund cannot start while the first one's fate is unknown.
    const other = await refund('5.00').expect(409);
    expect(other.text).toContain('A refund of $20 has no answer from Stripe yet: retry that one first');

    await stripe.rawRequest('DELETE', '/v1/test_helpers/faults', {});
    const retried = await refund('20.00').expect(303);
    expect(noticeOf(retried)).toMatch(/^Refund re_\w+ asked of Stripe/);
    // Asking once more (a second click, a reload) is a new refund now, judged against what is left.
    await refund('20.00').expect(303);

    const made = await refundsAtStripe(charge.id);
    expect(made.map((r) => r.amount)).toEqual([2000, 2000]);
    const requests = await db.prisma.refundRequest.findMany({ orderBy: { createdAt: 'asc' } });
    expect(requests.map((r) => [r.amount, r.status])).toEqual([[2000, 'succeeded'], [2000, 'succeeded']]);
    expect(requests.map((r) => r.stripeRefundId).sort()).toEqual(made.map((r) => r.id).sort());
    // The first request went out under one key however many times it was sent; the second under its own.
    expect(refundKeys()).toEqual(new Set(requests.map((r) => `refund-request-${r.id}`)));
    expect((await stripe.charges.retrieve(charge.id)).amount_refunded).toBe(4000);

    // The ledger has not heard of any refund (no webhook here), yet only Stripe's $10 left can be refunded.
    const tooMuch = await refund('10.01').expect(400);
    expect(tooMuch.text).toContain('Must be between $0.01 and $10');
    expect(await refundsAtStripe(charge.id)).toHaveLength(2);
    expect(await db.prisma.refundRequest.count()).toBe(2);
  });
});
