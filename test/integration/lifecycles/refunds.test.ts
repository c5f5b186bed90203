// Refunds that stay pending or fail: Stripe counts a refund the moment it is made (pending or
// not), and takes a failed one back off the charge days later. The raised total comes back, and
// the exports and the reconciliation report agree with Stripe throughout.
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../helpers/database.ts';
import { inbox, payments, recomputedTotals, totals, type Harness } from '../webhooks/webhook-harness.ts';
import { useLifecycleStage, type Books } from './books.ts';

let db: TestDatabase;
let h: Harness;
let books: Books;
let campaignId: string;

const stage = useLifecycleStage('refunds');
beforeAll(() => ({ db, h, books, campaignId } = stage));

async function paid(amount: number, delayed: boolean): Promise<Stripe.Charge> {
  const pledge = await h.pledge({ campaign: 'refunds', amount });
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`, { outcome: delayed ? 'delayed' : 'succeeded' });
  if (delayed) await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/settle`);
  const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent.latest_charge'] });
  return (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
}

const settled = async () => {
  await h.emulator.flushDeliveries();
  return totals(db, campaignId);
};

describe('refunds that stay pending or fail', () => {
  it('a bank-debit refund is pending (counted as refunded), then fails: the raised total comes back', async () => {
    const charge = await paid(4000, true);
    const refund = await h.stripe.refunds.create({ charge: charge.id, amount: 1500 });
    expect(refund.status).toBe('pending');
    expect(await settled()).toMatchObject({ raised: 2500, refunded: 1500 });

    const failed = await h.helper<Stripe.Refund>(`/v1/test_helpers/refunds/${refund.id}/settle`, { outcome: 'failed' });
    expect(failed).toMatchObject({ status: 'failed', failure_reason: 'insufficient_funds' });
    expect((await h.stripe.charges.retrieve(charge.id)).amount_refunded).toBe(0);
    const types = h.emulator.events.filter((e) => (e.data.object as { id: string }).id === refund.id).map((e) => e.type);
    expect(types).toEqual(['refund.created', 'charge.refund.updated', 'refund.updated', 'refund.failed']);
    const bt = await h.stripe.balanceTransactions.retrieve(failed.failure_balance_transaction as string);
    expect(bt).toMatchObject({ type: 'refund_failure', amount: 1500, source: refund.id });

    expect(await settled()).toMatchObject({ raised: 4000, refunded: 0 });
    const [row] = await payments(db, 'stripe_charge_id = $1', [charge.id]);
    expect(row).toMatchObject({ amountRefunded: 0 });
    const { rows } = await db.pool.query('SELECT status, failure_reason FROM refunds WHERE id = $1', [refund.id]);
    expect(rows).toEqual([{ status: 'failed', failure_reason: 'insufficient_funds' }]);
  });

  it('a pending refund that goes through stays counted; a card refund that fails later comes back', async () => {
    const bank = await paid(3000, true);
    const pending = await h.stripe.refunds.create({ charge: bank.id });
    await h.helper(`/v1/test_helpers/refunds/${pending.id}/settle`, { outcome: 'succeeded' });
    await h.helper(`/v1/test_helpers/refunds/${pending.id}/settle`).then(
      () => expect.unreachable('a succeeded refund cannot succeed again'),
      (e: { statusCode?: number }) => expect(e.statusCode).toBe(400),
    );

    const card = await paid(5000, false);
    const first = await h.stripe.refunds.create({ charge: card.id, amount: 1000 });
    expect(first.status).toBe('succeeded');
    await h.stripe.refunds.create({ charge: card.id, amount: 2000 });
    await h.helper(`/v1/test_helpers/refunds/${first.id}/settle`, { outcome: 'failed' });
    expect((await h.stripe.charges.retrieve(card.id)).amount_refunded).toBe(2000);

    await settled();
    const rows = await payments(db, 'stripe_charge_id = ANY($1)', [[bank.id, card.id]]);
    expect(Object.fromEntries(rows.map((r) => [r.chargeId, r.amountRefunded]))).toEqual({ [bank.id]: 3000, [card.id]: 2000 });
    expect(await totals(db, campaignId)).toEqual(await recomputedTotals(db, campaignId));
  });

  it('exports and the reconciliation report agree with Stripe; nothing is left waiting in the inbox', async () => {
    await settled();
    const report = await books.reconciliation();
    expect(report.differences).toEqual([]);
    const csv = await books.csv('/api/admin/exports/payments.csv?campaign=refunds');
    const charges = (await h.stripe.charges.list({ limit: 100 })).data.filter((c) => c.status === 'succeeded');
    for (const c of charges) {
      const line = csv.find((r) => r.charge_id === c.id)!;
      expect(Number(line.amount_refunded) * 100, c.id).toBe(c.amount_refunded);
    }
    expect((await inbox(db)).filter((e) => !['processed', 'ignored'].includes(e.status))).toEqual([]);
  });
});
