// Refund notices: one per refund that succeeded, with the new net amount; a redelivered refund
// event sends nothing more. A refund that is pending (a bank debit's, for days) or fails tells the
// donor nothing: it has given nothing back, and its notice would state a wrong net.
import request from 'supertest';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintEmail } from '../../../src/email/mail-lint.ts';
import { testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { outboxRows, startMailStack, type MailStack } from '../../helpers/mail.ts';
import { deliver, startHarness, type Harness } from '../webhooks/webhook-harness.ts';

let db: TestDatabase;
let h: Harness;
let mail: MailStack;

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db, { config: testConfig({ ORG_NAME: 'The Tribune Fund' }) });
  mail = await startMailStack(db);
});
afterAll(async () => {
  await mail?.close();
  await h?.close();
  await db?.drop();
});

async function settle() {
  await h.emulator.flushDeliveries();
  await mail.sender.drain();
  return mail.parsed();
}

describe('refund notices', () => {
  it('a partial then a full refund each send a notice with the new net amount; a redelivery sends nothing', async () => {
    await insertCampaign(db, { slug: 'refunds' });
    const res = await request(h.url).post('/api/pledges').send({ campaign: 'refunds', amount: 5000, currency: 'usd', frequency: 'once', email: 'r@example.org', name: 'Ray' });
    await h.helper(`/v1/test_helpers/checkout/sessions/${res.body.checkoutSessionId}/pay`);
    const session = await h.stripe.checkout.sessions.retrieve(res.body.checkoutSessionId);
    const pi = await h.stripe.paymentIntents.retrieve(session.payment_intent as string);
    const charge = pi.latest_charge as string;
    // The receipt first (as a donor would have it before any refund): the order checked below.
    await settle();

    await h.stripe.refunds.create({ charge, amount: 1200 });
    let messages = await settle();
    const partial = messages.find((m) => m.subject?.startsWith('Part of your gift was refunded'))!;
    expect(partial.subject).toBe('Part of your gift was refunded: $12.00');
    expect(partial.text).toContain('Refunded so far: $12.00');
    expect(partial.text).toContain('Your gift now: $38.00');
    expect(lintEmail({ subject: partial.subject!, html: partial.html as string, text: partial.text! })).toEqual([]);

    const refundEvent = h.emulator.events.find((e) => e.type === 'charge.refunded')! as Stripe.Event;
    expect((await deliver(h.app, refundEvent)).status).toBe(200);
    await h.stripe.refunds.create({ charge });
    messages = await settle();
    const full = messages.find((m) => m.subject?.startsWith('Your gift was refunded'))!;
    expect(full.text).toContain('Refunded so far: $50.00');
    expect(full.text).toContain('Your gift now: $0.00');
    for (const event of h.emulator.events) await deliver(h.app, event);
    await settle();
    const rows = await outboxRows(db, `to_address = 'r@example.org'`);
    expect(rows.map((r) => r.kind)).toEqual(['receipt', 'refund', 'refund']);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
  });
  async function paidBy(email: string, amount: number, delayed: boolean): Promise<string> {
    const res = await request(h.url).post('/api/pledges').send({ campaign: 'refunds', amount, currency: 'usd', frequency: 'once', email, name: 'Bo' });
    await h.helper(`/v1/test_helpers/checkout/sessions/${res.body.checkoutSessionId}/pay`, { outcome: delayed ? 'delayed' : 'succeeded' });
    if (delayed) await h.helper(`/v1/test_helpers/checkout/sessions/${res.body.checkoutSessionId}/settle`);
    const session = await h.stripe.checkout.sessions.retrieve(res.body.checkoutSessionId, { expand: ['payment_intent'] });
    await settle();
    return (session.payment_intent as Stripe.PaymentIntent).latest_charge as string;
  }
  const refundNotices = async (email: string) => (await outboxRows(db, `to_address = '${email}' AND kind = 'refund'`)).map((r) => r.text);
  const refunded = async (charge: string) =>
    (await db.pool.query('SELECT amount_refunded FROM payments WHERE stripe_charge_id = $1', [charge])).rows[0].amount_refunded;

  it('a bank-debit refund that is pending, then fails, sends nothing; the next one that succeeds sends one notice with the right net', async () => {
    const charge = await paidBy('bank@example.org', 4000, true);
    const failing = await h.stripe.refunds.create({ charge, amount: 1500 });
    expect(failing.status).toBe('pending');
    await settle();
    expect(await refundNotices('bank@example.org')).toEqual([]);
    await h.helper(`/v1/test_helpers/refunds/${failing.id}/settle`, { outcome: 'failed' });
    await settle();
    expect(await refundNotices('bank@example.org')).toEqual([]);
    expect(await refunded(charge)).toBe(0);

    const good = await h.stripe.refunds.create({ charge, amount: 1000 });
    await h.helper(`/v1/test_helpers/refunds/${good.id}/settle`, { outcome: 'succeeded' });
    for (const event of h.emulator.events) await deliver(h.app, event);
    await settle();
    const notices = await refundNotices('bank@example.org');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('Refunded so far: $10.00');
    expect(notices[0]).toContain('Your gift now: $30.00');
  });

  it('a card refund that succeeded and later fails sends no second notice, and the gift is whole again', async () => {
    const charge = await paidBy('card@example.org', 5000, false);
    const refund = await h.stripe.refunds.create({ charge, amount: 2000 });
    await settle();
    expect(await refundNotices('card@example.org')).toHaveLength(1);
    await h.helper(`/v1/test_helpers/refunds/${refund.id}/settle`, { outcome: 'failed' });
    for (const event of h.emulator.events) await deliver(h.app, event);
    await settle();
    expect(await refundNotices('card@example.org')).toHaveLength(1);
    expect(await refunded(charge)).toBe(0);
  });
});
