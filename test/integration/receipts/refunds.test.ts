// Refund notices: one per new refunded total, with the new net amount; a redelivered refund
// event sends nothing more.
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
});
