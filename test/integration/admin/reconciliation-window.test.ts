// A refund or dispute in the window on a charge made before it is still compared: month-end
// reports must show December's refund of a November gift.
import request from 'supertest';
import type Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey, payment, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let stripe: Stripe;
const clock = { offsetMs: 0 };
const DAY = 86_400_000;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator({ now: () => Date.now() + clock.offsetMs });
  stripe = emulatorStripe(emulator);
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

async function paidCharge(amount: number): Promise<Stripe.Charge> {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: 'Gift' } } }],
    success_url: 'http://donate.test/thanks',
    cancel_url: 'http://donate.test/cancelled',
  });
  await stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${session.id}/pay`, { outcome: 'succeeded' });
  const pi = await stripe.paymentIntents.retrieve((await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string);
  return stripe.charges.retrieve(pi.latest_charge as string, { expand: ['balance_transaction'] });
}

it('compares charges from before the window that were refunded or disputed inside it', async () => {
  const winter = await campaign(db, 'winter');
  const auth = bearer((await mintKey(db)).key);
  const app = buildApp(db, { stripe, checkoutOrigin: emulator.url });

  // Paid ten days ago, recorded correctly then.
  clock.offsetMs = -10 * DAY;
  const paidAt = new Date(Date.now() - 10 * DAY);
  const refunded = await paidCharge(5000);
  const disputed = await paidCharge(6000);
  const quiet = await paidCharge(7000);
  for (const charge of [refunded, disputed, quiet]) {
    const bt = charge.balance_transaction as Stripe.BalanceTransaction;
    const p = await pledge(db, winter, { amount: charge.amount });
    await payment(db, { ...p, amount: charge.amount }, {
      chargeId: charge.id, paymentIntentId: charge.payment_intent as string, balanceTransactionId: bt.id, fee: bt.fee, net: bt.net, paidAt,
    });
  }

  // Today: a refund and a dispute the database never heard of.
  clock.offsetMs = 0;
  await stripe.refunds.create({ charge: refunded.id, amount: 2000 });
  await stripe.rawRequest('POST', `/v1/test_helpers/charges/${disputed.id}/dispute`, {});

  const from = new Date(Date.now() - DAY).toISOString();
  const to = new Date(Date.now() + DAY).toISOString();
  const res = await request(app).get(`/api/admin/reconciliation?from=${from}&to=${to}`).set(auth).expect(200);
  expect(res.body.differences.map((d: { kind: string; stripe: { chargeId: string } }) => [d.kind, d.stripe.chargeId]).sort()).toEqual(
    [['dispute_mismatch', disputed.id], ['refund_mismatch', refunded.id]].sort(),
  );

  // The window the charges were made in sees them too, and nothing is missing on either side.
  const then = await request(app)
    .get(`/api/admin/reconciliation?from=${new Date(paidAt.getTime() - DAY).toISOString()}&to=${new Date(paidAt.getTime() + DAY).toISOString()}`)
    .set(auth)
    .expect(200);
  expect(then.body.summary).toMatchObject({ missing_in_database: 0, missing_in_stripe: 0, refund_mismatch: 1, dispute_mismatch: 1 });
  expect(then.body.stripe.charges).toBe(3);
});
