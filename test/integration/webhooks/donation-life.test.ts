// A donation's whole life driven through the emulator's test helpers, delivered as signed
// webhooks (duplicated and reordered), ends with totals and payments that match Stripe's own
// record to the cent.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { inbox, payments, recomputedTotals, startHarness, totals, type Harness } from './webhook-harness.ts';

let db: TestDatabase;
let h: Harness;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db);
});
afterAll(async () => {
  await h?.close();
  await db?.drop();
});

async function chargeOf(stripe: Stripe, sessionId: string): Promise<Stripe.Charge> {
  const session = await stripe.checkout.sessions.retrieve(sessionId);
  const pi = await stripe.paymentIntents.retrieve(session.payment_intent as string, { expand: ['latest_charge'] });
  return pi.latest_charge as Stripe.Charge;
}

/** What Stripe says each charge should add to the campaign, computed from Stripe's objects alone. */
async function stripeRecord(stripe: Stripe) {
  const charges = (await stripe.charges.list({ limit: 100 })).data.filter((c) => c.status === 'succeeded');
  const disputes = (await stripe.disputes.list({ limit: 100 })).data;
  let raised = 0;
  let refunded = 0;
  let disputed = 0;
  for (const c of charges) {
    const d = disputes.find((x) => x.charge === c.id);
    const withdrawn = d && d.status !== 'won' ? d.amount : 0;
    raised += Math.max(c.amount - c.amount_refunded - withdrawn, 0);
    refunded += c.amount_refunded;
    disputed += withdrawn;
  }
  return { charges, disputes, raised, refunded, disputed };
}

describe('a donation life through the emulator', () => {
  it('pay, delayed settle, refunds, disputes, renewals, cancellation and payout match Stripe to the cent', async () => {
    h.emulator.setDeliveryChaos({ duplicate: 0.3, reorder: true });
    const campaign = await insertCampaign(db, { slug: 'life' });

    const card = await h.pledge({ campaign: 'life', amount: 5000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${card.checkoutSessionId}/pay`, { outcome: 'succeeded' });

    const sepa = await h.pledge({ campaign: 'life', amount: 3000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${sepa.checkoutSessionId}/pay`, { outcome: 'delayed' });
    await h.emulator.flushDeliveries();
    expect(await totals(db, campaign.id)).toMatchObject({ raised: 5000, pending: 3000, donations: 1 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${sepa.checkoutSessionId}/settle`, { outcome: 'succeeded' });

    const bounced = await h.pledge({ campaign: 'life', amount: 2000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${bounced.checkoutSessionId}/pay`, { outcome: 'delayed' });
    await h.helper(`/v1/test_helpers/checkout/sessions/${bounced.checkoutSessionId}/settle`, { outcome: 'failed' });

    // Partial, then full refund of the card gift.
    const cardCharge = await chargeOf(h.stripe, card.checkoutSessionId);
    await h.stripe.refunds.create({ charge: cardCharge.id, amount: 1200 });
    await h.emulator.flushDeliveries();
    expect((await payments(db, 'stripe_charge_id = $1', [cardCharge.id]))[0]).toMatchObject({ amountRefunded: 1200 });
    await h.stripe.refunds.create({ charge: cardCharge.id });

    // One dispute won, one lost.
    const won = await h.pledge({ campaign: 'life', amount: 4000 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${won.checkoutSessionId}/pay`);
    const wonDispute = await h.helper(`/v1/test_helpers/charges/${(await chargeOf(h.stripe, won.checkoutSessionId)).id}/dispute`);
    await h.emulator.flushDeliveries();
    expect(await totals(db, campaign.id)).toMatchObject({ disputed: 4000 });
    await h.helper(`/v1/test_helpers/disputes/${wonDispute.id}/close`, { outcome: 'won' });
    const lost = await h.pledge({ campaign: 'life', amount: 2500 });
    await h.helper(`/v1/test_helpers/checkout/sessions/${lost.checkoutSessionId}/pay`);
    const lostDispute = await h.helper(`/v1/test_helpers/charges/${(await chargeOf(h.stripe, lost.checkoutSessionId)).id}/dispute`);
    await h.helper(`/v1/test_helpers/disputes/${lostDispute.id}/close`, { outcome: 'lost' });

    // A monthly gift: first month at checkout, two renewals, one failed renewal, cancellation.
    const monthly = await h.pledge({ campaign: 'life', amount: 1000, frequency: 'monthly' });
    await h.helper(`/v1/test_helpers/checkout/sessions/${monthly.checkoutSessionId}/pay`);
    const subscriptionId = (await h.stripe.checkout.sessions.retrieve(monthly.checkoutSessionId)).subscription as string;
    await h.helper(`/v1/test_helpers/subscriptions/${subscriptionId}/renew`);
    await h.helper(`/v1/test_helpers/subscriptions/${subscriptionId}/renew`);
    await h.helper(`/v1/test_helpers/subscriptions/${subscriptionId}/renew`, { outcome: 'failed' });
    await h.emulator.flushDeliveries();
    expect((await db.pool.query('SELECT subscription_status FROM pledges WHERE id = $1', [monthly.id])).rows[0]).toEqual({ subscription_status: 'past_due' });
    await h.stripe.subscriptions.cancel(subscriptionId);

    const payouts = await h.helper<{ data: Stripe.Payout[] }>('/v1/test_helpers/payouts');
    await h.emulator.flushDeliveries();

    // Totals: what Stripe's objects say, and what the payments rows say.
    const record = await stripeRecord(h.stripe);
    const t = await totals(db, campaign.id);
    expect(t).toEqual({
      raised: record.raised,
      pending: 0,
      refunded: record.refunded,
      disputed: record.disputed,
      donors: 5, // sepa, won, lost, monthly, card (fully refunded still counts as having given)
      donations: 7, // card, sepa, won, lost and 3 monthly invoices (the first through invoice.paid only)
    });
    expect(t.raised).toBe(3000 + 4000 + 3 * 1000);
    expect(await recomputedTotals(db, campaign.id)).toEqual(t);

    // Every succeeded charge is one payment with Stripe's amount, refunds, fee and net, and payout.
    const rows = await payments(db, "status = 'succeeded'");
    expect(rows).toHaveLength(record.charges.length);
    for (const charge of record.charges) {
      const bt = await h.stripe.balanceTransactions.retrieve(charge.balance_transaction as string);
      const row = rows.find((r) => r.chargeId === charge.id);
      const dispute = record.disputes.find((d) => d.charge === charge.id);
      expect(row, charge.id).toMatchObject({
        amount: charge.amount,
        currency: charge.currency,
        amountRefunded: charge.amount_refunded,
        fee: bt.fee,
        net: bt.net,
        balanceTransactionId: bt.id,
        paymentIntentId: charge.payment_intent,
        disputeStatus: dispute ? dispute.status : 'none',
        disputedAmount: dispute ? dispute.amount : 0,
        payoutId: payouts.data[0]!.id,
        flag: null,
      });
    }
    expect(await payments(db, "status = 'failed'")).toHaveLength(1);

    const pledgeStates = (await db.pool.query('SELECT id, status::text, subscription_status FROM pledges')).rows;
    const state = (id: string) => pledgeStates.find((p) => p.id === id);
    expect(state(card.id).status).toBe('completed');
    expect(state(bounced.id).status).toBe('failed');
    expect(state(monthly.id)).toMatchObject({ status: 'cancelled', subscription_status: 'canceled' });
    expect((await db.pool.query('SELECT id, amount FROM payouts')).rows).toEqual([{ id: payouts.data[0]!.id, amount: payouts.data[0]!.amount }]);

    // Duplicated deliveries were acknowledged, nothing is stuck.
    const stored = await inbox(db);
    expect(stored.filter((e) => e.status === 'failed' || e.status === 'deferred' || e.status === 'received')).toEqual([]);
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
  }, 60_000);
});
