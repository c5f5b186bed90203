// Receipts in the chaos run: every succeeded, unflagged payment has exactly one receipt in the
// outbox, every receipt was sent, and the SMTP server caught each receipt's Message-ID. A copy
// sent twice (an instance killed between the SMTP answer and recording it) carries the same
// Message-ID, which receivers drop; it is counted, not failed.
import type pg from 'pg';
import type { CaughtMail } from '../../../src/email/smtp-catcher.ts';
import { sleep } from './processes.ts';

export interface ReceiptCheck {
  name: string;
  ok: boolean;
  compared: number;
  differences: string[];
}

/** Until nothing is queued or being sent (a killed instance's lease runs out first). */
export async function waitOutboxDrained(db: pg.Client, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM email_outbox WHERE status IN ('queued', 'sending')`);
    if (rows[0].n === 0) return;
    await sleep(500);
  }
}

export async function checkReceipts(db: pg.Client, caught: CaughtMail[]): Promise<{ result: ReceiptCheck; figures: string }> {
  const differences: string[] = [];
  const { rows: payments } = await db.query<{ id: string }>(`SELECT id::text FROM payments WHERE status = 'succeeded' AND flag IS NULL`);
  const { rows: receipts } = await db.query<{ key: string; status: string; messageId: string }>(
    `SELECT dedupe_key AS key, status::text, message_id AS "messageId" FROM email_outbox WHERE kind = 'receipt'`,
  );
  const byKey = new Map(receipts.map((r) => [r.key, r]));
  for (const p of payments) {
    const receipt = byKey.get(`receipt:${p.id}`);
    if (!receipt) differences.push(`payment ${p.id} has no receipt`);
    else if (receipt.status !== 'sent') differences.push(`receipt of payment ${p.id} is ${receipt.status}`);
    byKey.delete(`receipt:${p.id}`);
  }
  for (const key of byKey.keys()) differences.push(`${key}: a receipt for no succeeded, unflagged payment`);
  const caughtIds = new Map<string, number>();
  for (const m of caught) {
    const id = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw)?.[1];
    if (id) caughtIds.set(id, (caughtIds.get(id) ?? 0) + 1);
  }
  for (const r of receipts) if (!caughtIds.has(r.messageId)) differences.push(`receipt ${r.messageId} never reached the SMTP server`);
  const copies = [...caughtIds.values()].filter((n) => n > 1).length;
  return {
    result: {
      name: 'receipts: one per succeeded payment, each sent and caught by the SMTP server',
      ok: differences.length === 0,
      compared: payments.length + receipts.length,
      differences,
    },
    figures: `receipts: ${receipts.length} for ${payments.length} succeeded payments; SMTP caught ${caught.length} messages, ${caughtIds.size} distinct Message-IDs, ${copies} sent twice`,
  };
}
