// The reconciliation report finds each kind of difference planted through the emulator (the real
// SDK against the stateful Stripe stand-in) and names the ids on both sides.
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, startEmulator } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey, paidCharge as paidChargeIn, payment, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let emulator: StripeEmulator;
let stripe: Stripe;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;
let winter: { id: string; currency: string };
const planted: Record<string, { charge?: Stripe.Charge; paymentId?: string }> = {};

const paidCharge = (amount: number) => paidChargeIn(stripe, amount);

/** Records a Stripe charge in the database as the webhooks would, with `changes` planted. */
async function record(charge: Stripe.Charge, changes: Parameters<typeof payment>[2] = {}) {
  const bt = charge.balance_transaction as Stripe.BalanceTransaction;
  const p = await pledge(db, winter, { amount: charge.amount });
  const row = await payment(db, { ...p, amount: charge.amount }, {
    chargeId: charge.id, paymentIntentId: charge.payment_intent as string, balanceTransactionId: bt.id, fee: bt.fee, net: bt.net,
    paidAt: new Date(), ...changes,
  });
  return row.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  emulator = await startEmulator();
  stripe = emulatorStripe(emulator);
  app = buildApp(db, { stripe, checkoutOrigin: emulator.url });
  auth = bearer((await mintKey(db)).key);
  winter = await campaign(db, 'winter');

  const ok = await paidCharge(2500);
  planted.ok = { charge: ok, paymentId: await record(ok) };

  planted.missingInDatabase = { charge: await paidCharge(3000) };

  const ghostPledge = await pledge(db, winter, { amount: 4000 });
  planted.missingInStripe = {
    paymentId: (await payment(db, { ...ghostPledge, amount: 4000 }, { chargeId: 'ch_ghost', paymentIntentId: 'pi_ghost', paidAt: new Date() })).id,
  };

  const amount = await paidCharge(2500);
  const bt = amount.balance_transaction as Stripe.BalanceTransaction;
  planted.amount = { charge: amount, paymentId: await record(amount, { amount: 2000, fee: bt.fee, net: bt.net }) };

  const refunded = await paidCharge(5000);
  await stripe.refunds.create({ charge: refunded.id, amount: 1000 });
  planted.refund = { charge: refunded, paymentId: await record(refunded) };

  const disputed = await paidCharge(6000);
  await stripe.rawRequest('POST', `/v1/test_helpers/charges/${disputed.id}/dispute`, {});
  planted.dispute = { charge: disputed, paymentId: await record(disputed) };

  const unknownFee = await paidCharge(7000);
  planted.feeUnknown = { charge: unknownFee, paymentId: await record(unknownFee, { fee: null, net: null }) };

  const wrongFee = await paidCharge(8000);
  const wbt = wrongFee.balance_transaction as Stripe.BalanceTransaction;
  planted.feeMismatch = { charge: wrongFee, paymentId: await record(wrongFee, { fee: wbt.fee + 1, net: wbt.net - 1 }) };

  const settling = await paidCharge(9000);
  planted.status = { charge: settling, paymentId: await record(settling, { status: 'pending' }) };

  // A check and a voided bank transfer: money Stripe never saw, left out of the comparison.
  const offline = { campaign: 'winter', amount: 12_345, currency: 'usd', receivedOn: new Date().toISOString().slice(0, 10), method: 'check' };
  await request(app).post('/api/admin/offline-gifts').set(auth).send(offline).expect(201);
  const { body: wrong } = await request(app).post('/api/admin/offline-gifts').set(auth).send({ ...offline, method: 'bank_transfer' }).expect(201);
  await request(app).post(`/api/admin/offline-gifts/${wrong.id}/void`).set(auth).send({ reason: 'Entered twice' }).expect(200);
});
afterAll(async () => {
  await emulator.stop();
  await db.drop();
});

const window = () => {
  const now = Date.now();
  return `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
};

interface Diff {
  kind: string;
  message: string;
  stripe: { chargeId: string; paymentIntentId: string | null; amountRefunded: number; disputeStatus: string; disputeId: string | null; fee: number | null } | null;
  database: { paymentId: string; pledgeId: string; chargeId: string | null } | null;
}

describe('GET /api/admin/reconciliation', () => {
  let report: { summary: Record<string, number>; differences: Diff[]; stripe: { charges: number }; database: { payments: number }; totals: unknown[] };
  beforeAll(async () => {
    report = (await request(app).get(`/api/admin/reconciliation?${window()}`).set(auth).expect(200)).body;
  });
  const only = (kind: string) => {
    const found = report.differences.filter((d) => d.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };

  it('counts each kind of difference once, and nothing for the matching charge', () => {
    expect(report.summary).toEqual({
      missing_in_database: 1, missing_in_stripe: 1, status_mismatch: 1, amount_mismatch: 1, refund_mismatch: 1,
      dispute_mismatch: 1, fee_mismatch: 1, fee_unknown: 1,
    });
    expect(report.differences).toHaveLength(8);
    expect(report.differences.some((d) => d.stripe?.chargeId === planted.ok!.charge!.id)).toBe(false);
    expect(report.stripe.charges).toBe(8);
    // Offline gifts (two planted) are not payments Stripe should know: not counted, not missing.
    expect(report.database.payments).toBe(8);
  });

  it('a charge paid on Stripe with no payment in the database', () => {
    const d = only('missing_in_database');
    expect(d.stripe).toMatchObject({ chargeId: planted.missingInDatabase!.charge!.id, paymentIntentId: planted.missingInDatabase!.charge!.payment_intent });
    expect(d.database).toBeNull();
  });

  it('a payment in the database with no charge on Stripe', () => {
    const d = only('missing_in_stripe');
    expect(d.stripe).toBeNull();
    expect(d.database).toMatchObject({ paymentId: planted.missingInStripe!.paymentId, chargeId: 'ch_ghost' });
  });

  it('amount, refund, dispute, fee and status mismatches name both sides', () => {
    const cases: Array<[string, string]> = [
      ['amount_mismatch', 'amount'], ['refund_mismatch', 'refund'], ['dispute_mismatch', 'dispute'],
      ['fee_unknown', 'feeUnknown'], ['fee_mismatch', 'feeMismatch'], ['status_mismatch', 'status'],
    ];
    for (const [kind, key] of cases) {
      const d = only(kind);
      expect(d.stripe?.chargeId, kind).toBe(planted[key]!.charge!.id);
      expect(d.database?.paymentId, kind).toBe(planted[key]!.paymentId);
      expect(d.database?.pledgeId, kind).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(only('refund_mismatch').stripe!.amountRefunded).toBe(1000);
    expect(only('dispute_mismatch').stripe).toMatchObject({ disputeStatus: 'open', disputeId: expect.stringMatching(/^dp_/) });
    expect(only('fee_unknown').stripe!.fee).toBeGreaterThan(0);
    expect(only('amount_mismatch').message).toMatch(/2500.*2000/);
  });

  it('gives totals per currency on both sides (settled money only)', () => {
    // The database's pending payment (status mismatch) is not settled money there.
    expect(report.totals).toEqual([
      expect.objectContaining({ currency: 'usd', stripe: expect.objectContaining({ charges: 8, gross: 43000 }), database: expect.objectContaining({ payments: 7, gross: 34500 }) }),
    ]);
  });

  it('finds a payment whose charge is just outside the window by looking it up, not calling it missing', async () => {
    const early = new Date(Date.now() + 2 * 3_600_000);
    const res = await request(app)
      .get(`/api/admin/reconciliation?from=${early.toISOString()}&to=${new Date(early.getTime() + 3_600_000).toISOString()}`)
      .set(auth)
      .expect(200);
    expect(res.body.differences).toEqual([]);
    await db.prisma.payment.update({ where: { id: planted.ok!.paymentId! }, data: { paidAt: new Date(early.getTime() + 60_000) } });
    try {
      const again = await request(app)
        .get(`/api/admin/reconciliation?from=${early.toISOString()}&to=${new Date(early.getTime() + 3_600_000).toISOString()}`)
        .set(auth)
        .expect(200);
      expect(again.body.differences).toEqual([]);
      expect(again.body.database.payments).toBe(1);
    } finally {
      await db.prisma.payment.update({ where: { id: planted.ok!.paymentId! }, data: { paidAt: new Date() } });
    }
  });

  it('format=csv: one row per difference, amounts as decimal strings', async () => {
    const res = await request(app).get(`/api/admin/reconciliation?${window()}&format=csv`).set(auth).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows: Array<Record<string, string>> = parse(res.text, { columns: true });
    expect(rows).toHaveLength(8);
    const refund = rows.find((r) => r.kind === 'refund_mismatch')!;
    expect(refund).toMatchObject({ stripe_charge_id: planted.refund!.charge!.id, stripe_amount: '50.00', stripe_refunded: '10.00', db_refunded: '0.00', db_payment_id: planted.refund!.paymentId });
  });

  it('400 for a missing, reversed or too long window; 503 when Stripe is unreachable', async () => {
    const field = async (q: string) => (await request(app).get(`/api/admin/reconciliation?${q}`).set(auth).expect(400)).body.error.details[0].field;
    expect(await field('to=2026-12-01')).toBe('from');
    expect(await field('from=2026-12-02&to=2026-12-01')).toBe('to');
    expect(await field('from=2026-01-01&to=2026-12-01')).toBe('to');
    expect(await field('from=2026-11-01&to=2026-12-01&format=xml')).toBe('format');
    const offline = buildApp(db);
    const res = await request(offline).get(`/api/admin/reconciliation?${window()}`).set(auth).expect(503);
    expect(res.body.error.code).toBe('stripe_unavailable');
  });
});
