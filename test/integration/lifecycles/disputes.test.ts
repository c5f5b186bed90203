// Disputes through their states: a chargeback (needs_response -> under_review -> won or lost,
// money withdrawn at once and reinstated if won) and an inquiry (warning_* -> warning_closed, no
// money). Every state is kept; the dashboard lists the open ones with their evidence due date;
// totals, exports and the reconciliation report agree with Stripe.
import type Stripe from 'stripe';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../helpers/database.ts';
import { inbox, payments, recomputedTotals, totals, type Harness } from '../webhooks/webhook-harness.ts';
import { useLifecycleStage, type Books } from './books.ts';

let db: TestDatabase;
let h: Harness;
let books: Books;
let campaignId: string;

const stage = useLifecycleStage('disputes');
beforeAll(() => ({ db, h, books, campaignId } = stage));

async function paidCharge(amount: number): Promise<Stripe.Charge> {
  const pledge = await h.pledge({ campaign: 'disputes', amount });
  await h.helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/pay`);
  const session = await h.stripe.checkout.sessions.retrieve(pledge.checkoutSessionId, { expand: ['payment_intent.latest_charge'] });
  return (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
}

const settled = async () => {
  await h.emulator.flushDeliveries();
  return totals(db, campaignId);
};
const row = async (id: string) => (await db.pool.query('SELECT status, funds_withdrawn, funds_reinstated, fee, evidence_due_by FROM disputes WHERE id = $1', [id])).rows[0];
const typesOf = (id: string) => h.emulator.events.filter((e) => (e.data.object as { id: string }).id === id).map((e) => e.type);

describe('disputes through their states', () => {
  it('a chargeback: withdrawn, evidence submitted (under review), won and reinstated; listed while open', async () => {
    const charge = await paidCharge(6000);
    const dispute = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/dispute`);
    expect(dispute.status).toBe('needs_response');
    expect(await settled()).toMatchObject({ raised: 0, disputed: 6000 });
    const page = await books.dashboard('/admin/disputes');
    expect(page).toContain(`data-dispute="${dispute.id}"`);
    expect(page).toContain(new Date(dispute.evidence_details.due_by! * 1000).toISOString().slice(0, 10));
    // A section of the dashboard's shared navigation, current on its own page.
    expect(page).toContain('<a href="/admin/disputes" aria-current="page">Open disputes</a>');
    expect(await books.dashboard()).toContain('<a href="/admin/disputes">Open disputes</a>');

    const reviewed = await h.stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: 'Donor confirmed by phone' }, submit: true });
    expect(reviewed).toMatchObject({ status: 'under_review', evidence_details: { has_evidence: true, submission_count: 1 } });
    await settled();
    expect((await row(dispute.id)).status).toBe('under_review');

    await h.helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: 'won' });
    expect(typesOf(dispute.id)).toEqual([
      'charge.dispute.created', 'charge.dispute.funds_withdrawn', 'charge.dispute.updated', 'charge.dispute.funds_reinstated', 'charge.dispute.closed',
    ]);
    expect(await settled()).toMatchObject({ raised: 6000, disputed: 0 });
    expect(await row(dispute.id)).toMatchObject({ status: 'won', funds_withdrawn: 6000, funds_reinstated: 6000, fee: 1500 });
    expect((await payments(db, 'stripe_charge_id = $1', [charge.id]))[0]).toMatchObject({ disputeStatus: 'won', disputedAmount: 6000 });
    expect(await books.dashboard('/admin/disputes')).not.toContain(`data-dispute="${dispute.id}"`);
  });

  it('an inquiry moves no money: warning_needs_response, warning_under_review, warning_closed', async () => {
    const charge = await paidCharge(2500);
    const inquiry = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/inquiry`);
    expect(inquiry).toMatchObject({ status: 'warning_needs_response', balance_transactions: [] });
    await settled();
    expect(await books.dashboard('/admin/disputes')).toContain(`data-dispute="${inquiry.id}"`);
    await h.stripe.disputes.update(inquiry.id, { submit: true });
    await h.helper(`/v1/test_helpers/disputes/${inquiry.id}/close`, { outcome: 'won' });
    expect((await h.stripe.disputes.retrieve(inquiry.id)).status).toBe('warning_closed');
    expect(await settled()).toMatchObject({ raised: 6000 + 2500, disputed: 0 });
    expect(await row(inquiry.id)).toMatchObject({ status: 'warning_closed', funds_withdrawn: 0, fee: 0 });
    expect((await payments(db, 'stripe_charge_id = $1', [charge.id]))[0]).toMatchObject({ disputeStatus: 'none' });
    expect(await books.dashboard('/admin/disputes')).not.toContain(`data-dispute="${inquiry.id}"`);
  });

  it('a lost chargeback keeps the money off; the books agree with Stripe', async () => {
    const charge = await paidCharge(4000);
    const dispute = await h.helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/dispute`);
    await h.helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: 'lost' });
    expect(await settled()).toMatchObject({ raised: 8500, disputed: 4000 });
    expect(await totals(db, campaignId)).toEqual(await recomputedTotals(db, campaignId));
    expect((await books.reconciliation()).differences).toEqual([]);
    const csv = await books.csv('/api/admin/exports/payments.csv?campaign=disputes');
    expect(csv.map((r) => r.dispute_status).sort()).toEqual(['lost', 'none', 'won']);
    expect((await inbox(db)).filter((e) => !['processed', 'ignored'].includes(e.status))).toEqual([]);
  });
});
