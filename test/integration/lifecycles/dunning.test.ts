// Monthly gifts that fail: a renewal declined and retried (invoice.payment_failed each time,
// invoice.payment_action_required when the donor must confirm), paid after all, or, when the
// retries run out, left past_due, made unpaid or cancelled as the retry settings say. The pledge
// shows the subscription's state; staff see the failing gifts; monthly revenue counts only the
// running ones; totals and the reconciliation report agree with Stripe.
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../helpers/database.ts';
import { inbox, totals, type Harness } from '../webhooks/webhook-harness.ts';
import { useLifecycleStage, type Books } from './books.ts';

let db: TestDatabase;
let h: Harness;
let books: Books;
let campaignId: string;

const stage = useLifecycleStage('dunning');
beforeAll(() => ({ db, h, books, campaignId } = stage));

async function monthly(amount: number) {
  const pledge = await h.pledge({ campaign: 'dunning', amount, frequency: 'monthly' });
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
  const subscription = (await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId)).subscription as string;
  const failed = await h.helper<Stripe.Invoice>(`/v1/test_helpers/subscriptions/${subscription}/renew`, { outcome: 'failed' });
  return { pledge, subscription, invoice: failed.id! };
}

const pledgeState = async (id: string) =>
  (await db.pool.query('SELECT status::text, subscription_status FROM pledges WHERE id = $1', [id])).rows[0];
const attempt = async (invoiceId: string) =>
  (await db.pool.query('SELECT attempt_count, next_payment_attempt IS NOT NULL AS scheduled, action_required FROM invoice_attempts WHERE invoice_id = $1', [invoiceId])).rows[0];
const retry = (invoice: string, params: Record<string, unknown>) => h.helper<Stripe.Invoice>(`/v1/test_helpers/invoices/${invoice}/retry`, params);
// The Monthly donors page's revenue: only running gifts (an active subscription) count.
const revenue = (page: string) => page.match(/data-revenue="usd">([^<]*)/)![1]!;

describe('monthly gifts that fail', () => {
  it('declined, retried, needing the donor, then paid: past due while failing, listed for staff, active again', async () => {
    const running = await monthly(1500);
    await h.helper(`/v1/test_helpers/invoices/${running.invoice}/retry`, { outcome: 'succeeded' });
    const gift = await monthly(2000);
    await retry(gift.invoice, { outcome: 'failed' });
    const asked = await retry(gift.invoice, { outcome: 'action_required' });
    expect(asked).toMatchObject({ status: 'open', attempt_count: 3 });
    await h.emulator.flushDeliveries();
    expect(await pledgeState(gift.pledge.id)).toEqual({ status: 'completed', subscription_status: 'past_due' });
    expect(await attempt(gift.invoice)).toEqual({ attempt_count: 3, scheduled: true, action_required: true });
    const page = await books.dashboard('/admin/monthly');
    expect(page).toContain(`data-failing="${gift.pledge.id}"`);
    expect(page).toContain('donor must confirm');
    expect(revenue(page)).toBe('$15');

    const paid = await retry(gift.invoice, { outcome: 'succeeded' });
    expect(paid).toMatchObject({ status: 'paid', attempt_count: 4 });
    await h.emulator.flushDeliveries();
    expect(await pledgeState(gift.pledge.id)).toEqual({ status: 'completed', subscription_status: 'active' });
    const after = await books.dashboard('/admin/monthly');
    expect(after).not.toContain(`data-failing="${gift.pledge.id}"`);
    expect(revenue(after)).toBe('$35');
  });

  it('retries run out: unpaid or cancelled by the retry settings; neither counts as monthly revenue', async () => {
    const unpaid = await monthly(1000);
    const last = await retry(unpaid.invoice, { outcome: 'failed', max_attempts: 2, when_exhausted: 'unpaid' });
    expect(last.next_payment_attempt).toBeNull();
    expect((await h.stripe.subscriptions.retrieve(unpaid.subscription)).status).toBe('unpaid');
    const cancelled = await monthly(1200);
    await retry(cancelled.invoice, { outcome: 'failed', max_attempts: 2, when_exhausted: 'canceled' });
    const sub = await h.stripe.subscriptions.retrieve(cancelled.subscription);
    expect(sub).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'payment_failed' } });
    await h.emulator.flushDeliveries();

    expect(await pledgeState(unpaid.pledge.id)).toEqual({ status: 'completed', subscription_status: 'unpaid' });
    expect(await attempt(unpaid.invoice)).toEqual({ attempt_count: 2, scheduled: false, action_required: false });
    expect(await pledgeState(cancelled.pledge.id)).toEqual({ status: 'cancelled', subscription_status: 'canceled' });
    const page = await books.dashboard('/admin/monthly');
    expect(page).toContain(`data-failing="${unpaid.pledge.id}"`);
    expect(page).toContain('none (retries over)');
    expect(page).not.toContain(`data-failing="${cancelled.pledge.id}"`);
    expect(revenue(page)).toBe('$35');
  });

  it('only paid invoices are raised; the books agree with Stripe; nothing waits in the inbox', async () => {
    const paid = (await h.stripe.invoices.list({ limit: 100 })).data.filter((i) => i.status === 'paid');
    const raised = paid.reduce((n, i) => n + i.amount_paid, 0);
    expect(await totals(db, campaignId)).toMatchObject({ raised, donations: paid.length });
    expect((await books.reconciliation()).differences).toEqual([]);
    expect((await inbox(db)).filter((e) => !['processed', 'ignored'].includes(e.status))).toEqual([]);
  });
});
