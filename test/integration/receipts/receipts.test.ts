// Receipts through the whole path: a payment applied from a signed webhook queues its receipt in
// the same transaction, the outbox sender hands it to a real SMTP server, and what arrives says
// what the issue requires. Duplicated and shuffled deliveries, redeliveries, a replay and a
// reconcile never make a second receipt; failed, pending and flagged payments make none.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintEmail } from '../../../src/email/mail-lint.ts';
import { testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { outboxRows, startMailStack, type MailStack } from '../../helpers/mail.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';
import { deliver, payments, startHarness, type Harness } from '../webhooks/webhook-harness.ts';

let db: TestDatabase;
let h: Harness;
let mail: MailStack;

const config = testConfig({
  ORG_NAME: 'The Tribune Fund',
  ORG_ADDRESS: '1 Press Row, Springfield, IL 62701',
  ORG_TAX_ID: '12-3456789',
  ORG_TIMEZONE: 'America/Los_Angeles',
  MANAGE_LINK_SECRET: 'a-test-secret-of-at-least-thirty-two-characters',
});

beforeAll(async () => {
  db = await createTestDatabase();
  h = await startHarness(db, { config });
  mail = await startMailStack(db);
});
afterAll(async () => {
  await mail?.close();
  await h?.close();
  await db?.drop();
});

async function give(input: Record<string, unknown>) {
  const res = await request(h.url)
    .post('/api/pledges')
    .send({ currency: 'usd', frequency: 'once', email: 'donor@example.org', ...input });
  expect(res.status).toBe(201);
  return res.body as { id: string; checkoutSessionId: string };
}

// A declined card answers 402, as Stripe's own page would show the donor; the events follow.
const pay = (sessionId: string, outcome = 'succeeded') =>
  h.helper(`/v1/test_helpers/checkout/sessions/${sessionId}/pay`, { outcome }).catch((error: { statusCode?: number }) => {
    if (outcome !== 'failed' || error.statusCode !== 402) throw error;
  });

async function sentTo(email: string) {
  await h.emulator.flushDeliveries();
  await mail.sender.drain();
  const all = await mail.parsed();
  return all.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === email);
}

describe('receipts', () => {
  it('one-time gift with the fee covered: amount charged, covered fee, date in ORG_TIMEZONE, campaign, reference, statement; donor text escaped', async () => {
    const campaign = await insertCampaign(db, { slug: 'receipts' });
    await db.pool.query(`UPDATE campaigns SET title = $1 WHERE id = $2`, ['Year-end <Fund> & "More"', campaign.id]);
    const pledge = await give({
      campaign: 'receipts', amount: 2500, coverFees: true, email: 'eve@example.org', name: '<img src=x onerror=alert(1)> Eve & "Co"',
    });
    await pay(pledge.checkoutSessionId);
    const [receipt, ...more] = await sentTo('eve@example.org');
    expect(more).toHaveLength(0);
    const [row] = await outboxRows(db, `to_address = 'eve@example.org'`);
    expect(row).toMatchObject({ kind: 'receipt', status: 'sent' });
    expect(receipt!.messageId).toBe(row!.message_id);
    expect(receipt!.from?.text).toContain('receipts@donate.test');
    expect(receipt!.subject).toBe('Your receipt for your gift of $26.06 to The Tribune Fund');

    const text = receipt!.text!;
    expect(text).toContain('Amount charged: $26.06 (your gift of $25.00 and $1.06 you added to cover the processing fee)');
    const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'America/Los_Angeles' }).format(new Date());
    expect(text).toContain(`Date: ${date}`);
    expect(text).toContain('Campaign: Year-end <Fund> & "More"');
    expect(text).toContain(`Reference: ${pledge.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`);
    expect(text).toContain(`The Tribune Fund acknowledges with thanks your contribution of $26.06 received on ${date}. No goods or services were provided in exchange for this contribution.`);
    expect(text).toContain('1 Press Row, Springfield, IL 62701');
    expect(text).toContain('Tax ID (EIN): 12-3456789');
    expect(text).not.toContain('$250 or more');
    expect(text).not.toContain('Manage your monthly gift');

    const html = receipt!.html as string;
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Eve &amp; &quot;Co&quot;');
    expect(html).toContain('Year-end &lt;Fund&gt; &amp; &quot;More&quot;');
    expect(html).not.toMatch(/<img/i);
    expect(lintEmail({ subject: receipt!.subject!, html, text })).toEqual([]);
  });

  it('a gift of $250 or more carries the written acknowledgment wording', async () => {
    const pledge = await give({ campaign: 'receipts', amount: 25_000, email: 'big@example.org' });
    await pay(pledge.checkoutSessionId);
    const [receipt] = await sentTo('big@example.org');
    expect(receipt!.text).toContain('it is the written acknowledgment the IRS requires for a contribution of $250 or more');
    expect(receipt!.text).toContain('No goods or services were provided in exchange for this contribution.');
  });

  it('monthly: a receipt for each installment, with the next date and a manage link', async () => {
    const pledge = await give({ campaign: 'receipts', amount: 1000, frequency: 'monthly', email: 'monthly@example.org' });
    await pay(pledge.checkoutSessionId);
    const [first] = await sentTo('monthly@example.org');
    expect(first!.subject).toBe('Your receipt for your monthly gift of $10.00 to The Tribune Fund');
    expect(first!.text).toMatch(/Next gift: \w+ \d{1,2}, \d{4}/);
    expect(first!.text).toMatch(/Manage your monthly gift .*: http:\/\/donate\.test\/manage\/[\w-]+\.[\w-]+/);
    expect(first!.html).toContain('Manage your monthly gift</a>');

    const sub = (await h.stripe.subscriptions.list({ limit: 100 })).data.find((s) => s.metadata.pledge_id === pledge.id)!;
    await h.helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`);
    await h.helper(`/v1/test_helpers/subscriptions/${sub.id}/renew`, { outcome: 'failed' });
    const receipts = await sentTo('monthly@example.org');
    expect(receipts).toHaveLength(2);
    expect(new Set(receipts.map((r) => r.messageId)).size).toBe(2);
  });

  it('a failed payment, a bank debit not yet cleared and a flagged payment send nothing; the debit sends once it clears', async () => {
    const failed = await give({ campaign: 'receipts', amount: 3000, email: 'failed@example.org' });
    await pay(failed.checkoutSessionId, 'failed');
    const debit = await give({ campaign: 'receipts', amount: 3000, email: 'debit@example.org' });
    await pay(debit.checkoutSessionId, 'delayed');
    expect(await sentTo('failed@example.org')).toHaveLength(0);
    expect(await sentTo('debit@example.org')).toHaveLength(0);
    await h.helper(`/v1/test_helpers/checkout/sessions/${debit.checkoutSessionId}/settle`, { outcome: 'succeeded' });
    expect(await sentTo('debit@example.org')).toHaveLength(1);

    // Stripe charged other than the pledge: flagged, not counted, no receipt.
    const flagged = await give({ campaign: 'receipts', amount: 4000, email: 'flagged@example.org' });
    h.emulator.pauseDeliveries();
    await pay(flagged.checkoutSessionId);
    const completed = h.emulator.events.find(
      (e) => e.type === 'checkout.session.completed' && (e.data.object as { id: string }).id === flagged.checkoutSessionId,
    )!;
    const altered = structuredClone(completed) as any;
    altered.id = `${completed.id}_altered`;
    altered.data.object.amount_total = 3999;
    expect((await deliver(h.app, altered)).status).toBe(200);
    expect((await payments(db, `flag IS NOT NULL`)).length).toBe(1);
    expect(await sentTo('flagged@example.org')).toHaveLength(0);
    // The emulator's own delivery of the same session (same payment intent) changes nothing.
    h.emulator.resumeDeliveries();
    expect(await sentTo('flagged@example.org')).toHaveLength(0);
  });

  it('duplicated and shuffled deliveries, every event delivered again, a replay and a reconcile: receipts equal the successful payments', async () => {
    h.emulator.setDeliveryChaos({ duplicate: 1, reorder: true });
    await insertCampaign(db, { slug: 'storm' });
    for (let i = 0; i < 6; i++) {
      const p = await give({ campaign: 'storm', amount: 1500 + i, email: `storm${i}@example.org`, frequency: i % 3 ? 'once' : 'monthly' });
      await pay(p.checkoutSessionId);
    }
    await h.emulator.flushDeliveries();
    h.emulator.setDeliveryChaos({ duplicate: 0, reorder: false });
    for (const event of [...h.emulator.events].reverse()) await deliver(h.app, event);

    const { key } = await mintKey(db);
    const paid = h.emulator.events.find((e) => e.type === 'invoice.paid')!;
    await db.pool.query(`UPDATE webhook_events SET status = 'failed', last_error = 'staged for a replay' WHERE id = $1`, [paid.id]);
    const replay = await request(h.app).post(`/api/admin/webhook-events/${paid.id}/replay`).set(bearer(key));
    expect(replay.status).toBe(200);
    await db.pool.query(`DELETE FROM webhook_events`);
    const reconcile = await request(h.app).post('/api/admin/reconcile').set(bearer(key)).send({ since: '2026-01-01' });
    expect(reconcile.status).toBe(200);
    await mail.sender.drain();

    const { rows } = await db.pool.query(`
      SELECT (SELECT count(*)::int FROM payments WHERE status = 'succeeded' AND flag IS NULL) AS payments,
             (SELECT count(*)::int FROM email_outbox WHERE kind = 'receipt') AS receipts,
             (SELECT count(DISTINCT dedupe_key)::int FROM email_outbox WHERE kind = 'receipt') AS distinct_receipts`);
    expect(rows[0].receipts).toBe(rows[0].payments);
    expect(rows[0].distinct_receipts).toBe(rows[0].payments);
    const caught = await mail.parsed();
    const receiptIds = new Set((await outboxRows(db, `kind = 'receipt'`)).map((r) => r.message_id));
    expect(caught.filter((m) => receiptIds.has(m.messageId!))).toHaveLength(rows[0].payments);
  });
});

describe('receipts off', () => {
  it('RECEIPTS=off queues nothing', async () => {
    const off = await createTestDatabase();
    const harness = await startHarness(off, { config: testConfig({ RECEIPTS: 'off' }) });
    try {
      await insertCampaign(off, { slug: 'quiet' });
      const res = await request(harness.url).post('/api/pledges').send({ campaign: 'quiet', amount: 2000, currency: 'usd', frequency: 'once', email: 'q@example.org' });
      await harness.helper(`/v1/test_helpers/checkout/sessions/${res.body.checkoutSessionId}/pay`);
      await harness.emulator.flushDeliveries();
      expect((await payments(off)).length).toBe(1);
      expect(await outboxRows(off)).toHaveLength(0);
    } finally {
      await harness.close();
      await off.drop();
    }
  });
});

