// Shared by the admin tests: minting keys, rows inserted straight into the database, and a paid
// charge made in the emulator.
import type Stripe from 'stripe';
import type { Database } from '../../../src/db/client.ts';
import { createAdminKeyRepository } from '../../../src/admin/admin-key-repository.ts';
import { createAdminKeyService } from '../../../src/admin/admin-key-service.ts';

export async function mintKey(db: Database, label = 'tests'): Promise<{ key: string; id: string }> {
  const { key, record } = await createAdminKeyService({ keys: createAdminKeyRepository(db) }).create(label);
  return { key, id: record.id };
}

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** A charge the emulator made through a paid Checkout Session, with its balance transaction. */
export async function paidCharge(stripe: Stripe, amount: number): Promise<Stripe.Charge> {
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

let n = 0;
const uniq = () => `${process.pid}_${Date.now().toString(36)}_${++n}`;

export async function campaign(db: Database, slug: string, currency = 'usd') {
  return db.prisma.campaign.create({
    data: {
      slug, title: `Campaign ${slug}`, goal: 1_000_000n, currency,
      startsAt: new Date('2026-01-01T00:00:00Z'), endsAt: new Date('2027-01-01T00:00:00Z'), presetAmounts: [],
    },
  });
}

export async function pledge(
  db: Database,
  c: { id: string; currency: string },
  input: Partial<{
    amount: number; status: 'pending' | 'completed' | 'failed' | 'expired' | 'cancelled'; createdAt: Date; name: string | null;
    email: string; message: string | null; dedication: string | null; anonymous: boolean; frequency: 'once' | 'monthly';
    checkoutSessionId: string | null;
  }> = {},
) {
  return db.prisma.pledge.create({
    data: {
      campaignId: c.id,
      amount: input.amount ?? 5000,
      currency: c.currency,
      frequency: input.frequency ?? 'once',
      email: input.email ?? 'donor@example.org',
      name: input.name === undefined ? 'Ann Lee' : input.name,
      anonymous: input.anonymous ?? false,
      message: input.message ?? null,
      dedication: input.dedication ?? null,
      status: input.status ?? 'completed',
      checkoutSessionId: input.checkoutSessionId === undefined ? `cs_test_${uniq()}` : input.checkoutSessionId,
      ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    },
  });
}

export async function payment(
  db: Database,
  p: { id: string; campaignId: string; currency: string; amount: number },
  input: Partial<{
    status: 'pending' | 'succeeded' | 'failed'; amount: number; fee: number | null; net: number | null; amountRefunded: number;
    disputeStatus: 'none' | 'open' | 'won' | 'lost'; disputedAmount: number; paidAt: Date | null; chargeId: string | null;
    paymentIntentId: string | null; invoiceId: string | null; balanceTransactionId: string | null; payoutId: string | null;
    payoutArrivalDate: Date | null; currency: string;
  }> = {},
) {
  const amount = input.amount ?? p.amount;
  const fee = input.fee === undefined ? Math.round(amount * 0.029) + 30 : input.fee;
  return db.prisma.payment.create({
    data: {
      pledgeId: p.id,
      campaignId: p.campaignId,
      status: input.status ?? 'succeeded',
      currency: input.currency ?? p.currency,
      amount,
      fee,
      net: input.net === undefined ? (fee === null ? null : amount - fee) : input.net,
      amountRefunded: input.amountRefunded ?? 0,
      disputeStatus: input.disputeStatus ?? 'none',
      disputedAmount: input.disputedAmount ?? 0,
      paidAt: input.paidAt === undefined ? new Date() : input.paidAt,
      stripeChargeId: input.chargeId === undefined ? `ch_${uniq()}` : input.chargeId,
      stripePaymentIntentId: input.paymentIntentId === undefined ? `pi_${uniq()}` : input.paymentIntentId,
      stripeInvoiceId: input.invoiceId ?? null,
      stripeBalanceTransactionId: input.balanceTransactionId === undefined ? `txn_${uniq()}` : input.balanceTransactionId,
      stripePayoutId: input.payoutId ?? null,
      payoutArrivalDate: input.payoutArrivalDate ?? null,
    },
  });
}
