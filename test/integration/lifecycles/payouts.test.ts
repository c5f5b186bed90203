// Payouts that are delayed, cancelled or fail: payout.updated, payout.canceled, payout.failed.
// The payouts export shows each with its payments and why it failed; the money of a failed or
// cancelled payout goes out again in a later one (`carried`), and the books add up: what arrived
// in the bank is the net of every payment.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { inbox, startHarness, type Harness } from '../webhooks/webhook-harness.ts';
import { openBooks, type Books } from './books.ts';

let db: TestDatabase;
let h: Harness;
let books: Books;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db);
  h.emulator.setDeliveryChaos({ duplicate: 0.5, reorder: true });
  await insertCampaign(db, { slug: 'payouts' });
  books = await openBooks(db, h);
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

async function donate(amount: number) {
  const pledge = await h.pledge({ campaign: 'payouts', amount });
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
}
const payOut = async (paid = true) => (await h.helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts', { paid })).data[0]!;
const cents = (s: string) => Math.round(Number(s) * 100);
const typesOf = (id: string) => h.emulator.events.filter((e) => (e.data.object as { id: string }).id === id).map((e) => e.type);

describe('payouts that are delayed, cancelled or fail', () => {
  it('a pending payout delayed then cancelled; its money goes out in the next payout', async () => {
    await donate(5000);
    const pending = await payOut(false);
    expect(pending.status).toBe('pending');
    const delayed = await h.helper<Stripe.Payout>(`/v1/test_helpers/payouts/${pending.id}/delay`, { days: 2 });
    expect(delayed.arrival_date).toBe(pending.arrival_date + 2 * 86400);
    const cancelled = await h.stripe.payouts.cancel(pending.id);
    expect(cancelled.status).toBe('canceled');
    expect(typesOf(pending.id)).toEqual(['payout.created', 'payout.updated', 'payout.canceled']);
    await donate(3000);
    const next = await payOut();
    const carried = (await h.stripe.balanceTransactions.list({ payout: next.id })).data.find((t) => t.type === 'payout_cancel')!;
    expect(carried.amount).toBe(pending.amount);
    await h.emulator.flushDeliveries();

    const rows = await books.csv('/api/admin/exports/payouts.csv');
    const canceledRow = rows.find((r) => r.payout_id === pending.id)!;
    expect(canceledRow).toMatchObject({ status: 'canceled', payments: '1', difference: '0.00', carried: '0.00' });
    expect(canceledRow.arrival_date).toBe(new Date(delayed.arrival_date * 1000).toISOString().slice(0, 10));
    const nextRow = rows.find((r) => r.payout_id === next.id)!;
    expect(nextRow).toMatchObject({ status: 'paid', payments: '1', difference: '0.00' });
    expect(cents(nextRow.carried!)).toBe(pending.amount);
  });

  it('a paid payout that fails days later says why; its money goes out again; the books add up', async () => {
    await donate(4000);
    const paid = await payOut();
    const failed = await h.helper<Stripe.Payout>(`/v1/test_helpers/payouts/${paid.id}/fail`, { failure_code: 'account_closed' });
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'account_closed' });
    expect(typesOf(paid.id)).toEqual(['payout.created', 'payout.paid', 'payout.failed']);
    const again = await payOut();
    expect(again.amount).toBe(paid.amount);
    await h.emulator.flushDeliveries();

    const { rows: stored } = await db.pool.query('SELECT status, failure_code, carried FROM payouts WHERE id = ANY($1) ORDER BY carried', [[paid.id, again.id]]);
    expect(stored).toEqual([{ status: 'failed', failure_code: 'account_closed', carried: 0 }, { status: 'paid', failure_code: null, carried: paid.amount }]);
    const rows = await books.csv('/api/admin/exports/payouts.csv');
    expect(rows.find((r) => r.payout_id === paid.id)).toMatchObject({ status: 'failed', failure_code: 'account_closed', difference: '0.00' });
    expect(rows.every((r) => r.difference === '0.00')).toBe(true);
    // What reached the bank (paid payouts) is the net of every payment, to the cent.
    const arrived = rows.filter((r) => r.status === 'paid').reduce((n, r) => n + cents(r.payout_amount!), 0);
    const payments = await books.csv('/api/admin/exports/payments.csv?campaign=payouts');
    expect(payments).toHaveLength(3);
    expect(arrived).toBe(payments.reduce((n, p) => n + cents(p.net!), 0));
    expect((await books.reconciliation()).differences).toEqual([]);
    expect((await inbox(db)).filter((e) => !['processed', 'ignored'].includes(e.status))).toEqual([]);
  });
});
