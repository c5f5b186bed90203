// The outbox over real SMTP: dedupe, stable Message-ID, the server's answer recorded, retries with
// backoff on a 4xx, failure on a 5xx, a dead sender's lease taken over, and several senders at
// once sending each message exactly once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enqueueEmail } from '../../../src/email/outbox-repository.ts';
import type { NewEmail } from '../../../src/email/outbox.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { outboxRows, startMailStack, type MailStack } from '../../helpers/mail.ts';

let db: TestDatabase;
const stacks: MailStack[] = [];
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.close()));
  await truncateAll(db);
});
afterAll(async () => {
  await db.drop();
});

const mail = (n: number, extra: Partial<NewEmail> = {}): NewEmail => ({
  dedupeKey: `test:${n}`,
  kind: 'receipt',
  to: `donor${n}@example.org`,
  subject: `Receipt ${n}`,
  html: `<p>Thank you, donor ${n}</p>`,
  text: `Thank you, donor ${n}. This is the text part.`,
  ...extra,
});

async function stack(options: Parameters<typeof startMailStack>[1] = {}) {
  const s = await startMailStack(db, options);
  stacks.push(s);
  return s;
}

describe('email outbox', () => {
  it('writes a message once per dedupe key, and sends it over SMTP with its Message-ID and both parts', async () => {
    expect(await enqueueEmail(db.prisma, mail(1), 'donate.test')).toBe(true);
    expect(await enqueueEmail(db.prisma, mail(1, { subject: 'another' }), 'donate.test')).toBe(false);
    const s = await stack();
    await s.sender.drain();

    const [row] = await outboxRows(db);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, subject: 'Receipt 1' });
    expect(row!.message_id).toMatch(/^<[0-9a-f-]{36}@donate\.test>$/);
    expect(row!.smtp_response).toMatch(/^250 .*queued as/);
    const [parsed] = await s.parsed();
    expect(s.smtp.messages).toHaveLength(1);
    expect(parsed!.messageId).toBe(row!.message_id);
    expect(parsed!.to).toMatchObject({ text: 'donor1@example.org' });
    expect(parsed!.text).toContain('This is the text part.');
    expect(parsed!.html).toContain('<p>Thank you, donor 1</p>');
    // Sending again finds nothing to send.
    await s.sender.drain();
    expect(s.smtp.messages).toHaveLength(1);
  });

  it('retries a temporary refusal (451) with the same Message-ID, and records the answer', async () => {
    await enqueueEmail(db.prisma, mail(2), 'donate.test');
    let refusals = 2;
    const s = await stack({
      answer: () => (refusals-- > 0 ? Object.assign(new Error('Try again later'), { responseCode: 451 }) : null),
    });
    await s.sender.runOnce();
    let [row] = await outboxRows(db);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row!.smtp_response).toMatch(/^451/);
    await s.sender.drain();
    [row] = await outboxRows(db);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    const [parsed] = await s.parsed();
    expect(parsed!.messageId).toBe(row!.message_id);
  });

  it('waits out the backoff before the next attempt', async () => {
    await enqueueEmail(db.prisma, mail(3), 'donate.test');
    let refusals = 1;
    const s = await stack({
      backoffMs: () => 60_000,
      answer: () => (refusals-- > 0 ? Object.assign(new Error('Greylisted'), { responseCode: 450 }) : null),
    });
    await s.sender.drain();
    const [row] = await outboxRows(db);
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    const { rows } = await db.pool.query(`SELECT next_attempt_at > now() + interval '50 seconds' AS later FROM email_outbox`);
    expect(rows[0].later).toBe(true);
  });

  it('gives up at once on a permanent refusal (550), and after the last attempt on temporary ones', async () => {
    await enqueueEmail(db.prisma, mail(4, { to: 'nobody@example.org' }), 'donate.test');
    await enqueueEmail(db.prisma, mail(5), 'donate.test');
    const s = await stack({
      maxAttempts: 3,
      answer: (m) =>
        m.to.includes('nobody@example.org')
          ? Object.assign(new Error('No such user'), { responseCode: 550 })
          : Object.assign(new Error('Busy'), { responseCode: 421 }),
    });
    await s.sender.drain();
    const rows = await outboxRows(db);
    expect(rows.find((r) => r.to_address === 'nobody@example.org')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows.find((r) => r.to_address === 'nobody@example.org')!.smtp_response).toMatch(/^550/);
    expect(rows.find((r) => r.to_address === 'donor5@example.org')).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('queues again when the SMTP server is down, and sends once it is back', async () => {
    await enqueueEmail(db.prisma, mail(6), 'donate.test');
    const down = await stack();
    await down.smtp.close();
    await down.sender.runOnce();
    expect((await outboxRows(db))[0]).toMatchObject({ status: 'queued', attempts: 1 });
    const up = await stack();
    await up.sender.drain();
    expect((await outboxRows(db))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(up.smtp.messages).toHaveLength(1);
  });

  it('takes over a message whose sender died mid-send once its lease is over', async () => {
    await enqueueEmail(db.prisma, mail(7), 'donate.test');
    await db.pool.query(`UPDATE email_outbox SET status = 'sending', attempts = 1, lease_until = now() + interval '1 minute'`);
    const s = await stack();
    await s.sender.drain();
    expect(s.smtp.messages).toHaveLength(0);
    await db.pool.query(`UPDATE email_outbox SET lease_until = now() - interval '1 second'`);
    await s.sender.drain();
    expect((await outboxRows(db))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('sends a round several at a time and records each message with its own answer: sent, queued again, failed', async () => {
    for (let n = 200; n < 212; n++) await enqueueEmail(db.prisma, mail(n), 'donate.test');
    const s = await stack({
      batch: 20,
      concurrency: 4,
      answer: (m) => {
        if (m.to.includes('donor203@example.org')) return Object.assign(new Error('No such user'), { responseCode: 550 });
        if (m.to.includes('donor207@example.org')) return Object.assign(new Error('Try again later'), { responseCode: 451 });
        return null;
      },
    });
    expect(await s.sender.runOnce()).toBe(12);

    const rows = await outboxRows(db);
    expect(rows.find((r) => r.to_address === 'donor203@example.org')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(rows.find((r) => r.to_address === 'donor207@example.org')).toMatchObject({ status: 'queued', attempts: 1 });
    const sent = rows.filter((r) => r.status === 'sent');
    expect(sent).toHaveLength(10);
    // Each row holds the answer the server gave to that very message (its id in "queued as").
    const caughtIdOf = new Map(s.smtp.messages.map((m) => [m.to[0], m.id]));
    for (const row of sent) expect(row.smtp_response).toContain(`queued as ${caughtIdOf.get(row.to_address)}`);
    expect(new Set(sent.map((r) => r.smtp_response)).size).toBe(10);
  });

  it('several senders at once send each of 60 messages exactly once (FOR UPDATE SKIP LOCKED)', async () => {
    for (let n = 100; n < 160; n++) await enqueueEmail(db.prisma, mail(n), 'donate.test');
    const a = await stack({ batch: 5 });
    const b = await stack({ batch: 5 });
    const c = await stack({ batch: 5 });
    await Promise.all([a.sender.drain(), b.sender.drain(), c.sender.drain()]);
    const caught = [...a.smtp.messages, ...b.smtp.messages, ...c.smtp.messages];
    expect(caught).toHaveLength(60);
    expect(new Set(caught.flatMap((m) => m.to)).size).toBe(60);
    // Each server got some: the work was really shared.
    expect([a, b, c].filter((s) => s.smtp.messages.length > 0).length).toBeGreaterThan(1);
    const rows = await outboxRows(db);
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});
