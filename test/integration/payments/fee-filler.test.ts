// The fee filler after a burst of webhooks: every fee read from Stripe (the emulator) and written,
// a busy round's fees in one statement, a known fee never overwritten, and a write that fails left
// to recovery (the payment's fee still unknown, so `missingFees` finds it). Real PostgreSQL, real
// SDK against the emulator; the store is the real repository, wrapped only to count or break calls.
import type Stripe from 'stripe';
import type { StripeEmulator } from 'stripe-emulator';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFeeFiller, type FeeStore } from '../../../src/payments/fee-filler.ts';
import type { ChargeSettlement } from '../../../src/payments/payment.ts';
import { createPaymentRepository } from '../../../src/payments/payment-repository.ts';
import { createLedgerGateway } from '../../../src/stripe/stripe-ledger-gateway.ts';
import { buildApp, captureLogs, emulatorStripe, startEmulator, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { deliver } from '../webhooks/webhook-harness.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let stripe: Stripe;

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  stripe = emulatorStripe(emulator);
});
afterAll(async () => {
  await emulator?.stop();
  await db?.drop();
});
beforeEach(async () => {
  await truncateAll(db);
  await insertCampaign(db, { slug: 'fees' });
});

/** The real repository, its batches recorded; `failing` makes the next write throw instead. */
function recordingStore() {
  const repository = createPaymentRepository(db.prisma);
  const batches: string[][] = [];
  let failNext = false;
  const store: FeeStore = {
    async fillSettlementsByPaymentIntent(settlements) {
      batches.push(settlements.map((s) => s.paymentIntentId));
      if (failNext) {
        failNext = false;
        throw new Error('database gone for a moment');
      }
      return repository.fillSettlementsByPaymentIntent(settlements);
    },
  };
  return { store, batches, failing: () => (failNext = true) };
}

function appWith(store: FeeStore, logger = captureLogs().logger) {
  const fees = createFeeFiller({ gateway: createLedgerGateway(stripe), store, logger });
  return buildApp(db, { stripe, checkoutOrigin: emulator.url, config: testConfig(), fees, logger });
}

/** Paid gifts, their checkout.session.completed events delivered at once; their payment intents. */
async function paidGifts(app: ReturnType<typeof buildApp>, amounts: number[]): Promise<string[]> {
  const mark = emulator.events.length;
  for (const amount of amounts) {
    const res = await request(app).post('/api/pledges').send({ campaign: 'fees', amount, currency: 'usd', frequency: 'once', email: 'f@example.org' }).expect(201);
    await stripe.rawRequest('POST', `/v1/test_helpers/checkout/sessions/${res.body.checkoutSessionId}/pay`, {});
  }
  const events = emulator.events.slice(mark).filter((e) => e.type === 'checkout.session.completed');
  expect(events).toHaveLength(amounts.length);
  await Promise.all(events.map((event) => deliver(app, event).expect(200)));
  return events.map((e) => (e.data.object as Stripe.Checkout.Session).payment_intent as string);
}

/** What Stripe says each payment intent's fee and net are. */
async function stripeFees(paymentIntentIds: string[]) {
  const gateway = createLedgerGateway(stripe);
  const all = await Promise.all(paymentIntentIds.map((pi) => gateway.chargeSettlement(pi)));
  return all.map((s) => ({ paymentIntentId: s!.paymentIntentId, fee: s!.fee, net: s!.net, chargeId: s!.chargeId, balanceTransactionId: s!.balanceTransactionId }));
}

async function recordedFees(paymentIntentIds: string[]) {
  const { rows } = await db.pool.query(
    `SELECT stripe_payment_intent_id AS "paymentIntentId", fee, net, stripe_charge_id AS "chargeId",
            stripe_balance_transaction_id AS "balanceTransactionId"
     FROM payments WHERE stripe_payment_intent_id = ANY($1::text[])`,
    [paymentIntentIds],
  );
  const byIntent = new Map(rows.map((r) => [r.paymentIntentId, r]));
  return paymentIntentIds.map((pi) => byIntent.get(pi));
}

describe('fee filler', () => {
  it('records every fee of a burst as Stripe reports it, in fewer writes than fees', async () => {
    const recording = recordingStore();
    const app = appWith(recording.store);
    const amounts = Array.from({ length: 24 }, (_, i) => 1000 + i * 37);
    const intents = await paidGifts(app, amounts);
    await app.fees.idle();

    const expected = await stripeFees(intents);
    expect(expected.every((s) => typeof s.fee === 'number' && s.fee > 0)).toBe(true);
    expect(await recordedFees(intents)).toEqual(expected);
    // Each fee written once, and a round's fees together.
    expect(recording.batches.flat().sort()).toEqual([...intents].sort());
    expect(recording.batches.length).toBeLessThan(intents.length);
  }, 60_000);

  it('never overwrites a fee already known, and ignores a payment intent it does not know', async () => {
    const app = appWith(recordingStore().store);
    const [known, unknown] = await paidGifts(app, [2000, 3000]);
    await app.fees.idle();
    const before = await recordedFees([known!, unknown!]);
    await db.pool.query('UPDATE payments SET fee = NULL, net = NULL WHERE stripe_payment_intent_id = $1', [unknown]);

    const wrong = (pi: string): ChargeSettlement => ({ paymentIntentId: pi, chargeId: 'ch_wrong', balanceTransactionId: 'txn_wrong', fee: 1, net: 1 });
    await createPaymentRepository(db.prisma).fillSettlementsByPaymentIntent([wrong(known!), wrong('pi_nobody'), { ...before[1], fee: 99, net: 2901 }]);

    const after = await recordedFees([known!, unknown!]);
    expect(after[0]).toEqual(before[0]);
    // The charge and balance transaction were known already: only the unknown fee and net are filled.
    expect(after[1]).toEqual({ ...before[1], fee: 99, net: 2901 });
  }, 60_000);

  it('leaves the fees of a failed write to recovery, logged, and goes on with the next ones', async () => {
    const recording = recordingStore();
    const logs = captureLogs('warn');
    const app = appWith(recording.store, logs.logger);
    recording.failing();
    const first = await paidGifts(app, [1500]);
    await app.fees.idle();
    const missing = await createPaymentRepository(db.prisma).missingFees(10);
    expect(missing.map((m) => m.paymentIntentId)).toEqual(first);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ paymentIntentIds: first, msg: expect.stringMatching(/recovery/) }));

    const second = await paidGifts(app, [1700]);
    await app.fees.idle();
    expect((await recordedFees(second))[0].fee).toEqual((await stripeFees(second))[0]!.fee);
  }, 60_000);
});
