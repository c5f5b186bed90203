// Bank debits as Stripe runs them: one charge, pending from the start and set as the payment
// intent's latest_charge, settled in place (never a second charge), its balance transaction
// arriving after it succeeded (charge.updated). Totals, exports and the report follow.
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../helpers/database.ts';
import { inbox, payments, totals, type Harness } from '../webhooks/webhook-harness.ts';
import { useLifecycleStage, type Books } from './books.ts';

let db: TestDatabase;
let h: Harness;
let books: Books;
let campaignId: string;

const stage = useLifecycleStage('debits');
beforeAll(() => ({ db, h, books, campaignId } = stage));

async function debit(amount: number) {
  const pledge = await h.pledge({ campaign: 'debits', amount });
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: 'delayed' });
  const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent.latest_charge'] });
  const pi = session.payment_intent as Stripe.PaymentIntent;
  return { pledge, pi, charge: pi.latest_charge as Stripe.Charge };
}

const eventsOf = (id: string) => h.emulator.events.filter((e) => (e.data.object as { id: string }).id === id).map((e) => e.type);

describe('bank debits', () => {
  it('are pending with their charge while the bank works; the report agrees', async () => {
    const { pi, charge } = await debit(3000);
    expect(pi.status).toBe('processing');
    expect(charge).toMatchObject({ status: 'pending', paid: false, balance_transaction: null, payment_method_details: { type: 'sepa_debit' } });
    expect(eventsOf(charge.id)).toEqual(['charge.pending']);
    await h.emulator.flushDeliveries();
    expect(await totals(db, campaignId)).toMatchObject({ raised: 0, pending: 3000 });
    expect((await payments(db, 'stripe_payment_intent_id = $1', [pi.id]))[0]).toMatchObject({ status: 'pending', chargeId: charge.id });
    expect((await books.reconciliation()).differences).toEqual([]);
  });

  it('settle that same charge: succeeded (then charge.updated with the fee) or failed, never a second charge', async () => {
    const ok = await debit(4000);
    await h.helper(`/v1/test_helpers/checkout/sessions/${ok.pledge.checkoutSessionId}/settle`, { outcome: 'succeeded' });
    const bad = await debit(2500);
    await h.helper(`/v1/test_helpers/checkout/sessions/${bad.pledge.checkoutSessionId}/settle`, { outcome: 'failed' });

    for (const { pi } of [ok, bad]) expect((await h.stripe.charges.list({ payment_intent: pi.id })).data).toHaveLength(1);
    expect(eventsOf(ok.charge.id)).toEqual(['charge.pending', 'charge.succeeded', 'charge.updated']);
    expect(eventsOf(bad.charge.id)).toEqual(['charge.pending', 'charge.failed']);
    const updated = h.emulator.events.find((e) => e.type === 'charge.updated' && (e.data.object as { id: string }).id === ok.charge.id)!;
    expect(updated.data.previous_attributes).toEqual({ balance_transaction: null });
    const failedIntent = await h.stripe.paymentIntents.retrieve(bad.pi.id);
    expect(failedIntent).toMatchObject({ status: 'requires_payment_method', latest_charge: bad.charge.id, last_payment_error: { charge: bad.charge.id, code: 'insufficient_funds' } });

    await h.emulator.flushDeliveries();
    const settled = await h.stripe.charges.retrieve(ok.charge.id, { expand: ['balance_transaction'] });
    const bt = settled.balance_transaction as Stripe.BalanceTransaction;
    const rows = await payments(db, 'stripe_payment_intent_id = ANY($1)', [[ok.pi.id, bad.pi.id]]);
    const byIntent = Object.fromEntries(rows.map((r) => [r.paymentIntentId, r]));
    await expect.poll(async () => (await payments(db, 'stripe_payment_intent_id = $1', [ok.pi.id]))[0].fee).toBe(bt.fee);
    expect(byIntent[ok.pi.id]).toMatchObject({ status: 'succeeded', chargeId: ok.charge.id, balanceTransactionId: bt.id });
    expect(byIntent[bad.pi.id]).toMatchObject({ status: 'failed', chargeId: bad.charge.id });
    expect(await totals(db, campaignId)).toMatchObject({ raised: 4000, pending: 3000, donations: 1 });
    const { rows: pledges } = await db.pool.query('SELECT status::text FROM pledges WHERE id = $1', [bad.pledge.id]);
    expect(pledges[0].status).toBe('failed');
  });

  it('exports and the reconciliation report agree; nothing waits in the inbox', async () => {
    expect((await books.reconciliation()).differences).toEqual([]);
    const csv = await books.csv('/api/admin/exports/payments.csv?campaign=debits');
    expect(csv.map((r) => r.status).sort()).toEqual(['failed', 'pending', 'succeeded']);
    expect((await inbox(db)).filter((e) => !['processed', 'ignored'].includes(e.status))).toEqual([]);
  });
});
