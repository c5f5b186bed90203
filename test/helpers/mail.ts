// Mail in tests: a real SMTP server (the app's own catcher, optionally refusing), the outbox
// sender pointed at it over SMTP, and the caught messages parsed by mailparser.
import { simpleParser, type ParsedMail } from 'mailparser';
import { createLogger } from '../../src/logger.ts';
import { createSmtpTransport } from '../../src/email/mail-transport.ts';
import { createOutboxRepository } from '../../src/email/outbox-repository.ts';
import { createOutboxSender, type SenderOptions } from '../../src/email/outbox-sender.ts';
import { startSmtpCatcher, type CatcherOptions } from '../../src/email/smtp-catcher.ts';
import type { Database } from '../../src/db/client.ts';

export const TEST_FROM = '"Test Newsroom" <receipts@donate.test>';

export async function startMailStack(db: Pick<Database, 'prisma'>, options: CatcherOptions & Partial<SenderOptions> = {}) {
  const { port, keep, answer, ...senderOptions } = options;
  const smtp = await startSmtpCatcher({ port, keep, answer });
  const transport = createSmtpTransport(smtp.url);
  const sender = createOutboxSender({
    outbox: createOutboxRepository(db.prisma),
    transport,
    from: TEST_FROM,
    logger: createLogger('silent'),
    backoffMs: () => 0,
    ...senderOptions,
  });
  return {
    smtp,
    sender,
    /** Every caught message, parsed. */
    parsed: (): Promise<ParsedMail[]> => Promise.all(smtp.messages.map((m) => simpleParser(m.raw))),
    async close() {
      await sender.stop();
      transport.close();
      await smtp.close();
    },
  };
}

export type MailStack = Awaited<ReturnType<typeof startMailStack>>;

export async function outboxRows(db: Pick<Database, 'pool'>, where = 'TRUE') {
  const { rows } = await db.pool.query(
    `SELECT id::text, dedupe_key, kind, to_address, subject, html, text, message_id, status::text, attempts, smtp_response, last_error
     FROM email_outbox WHERE ${where} ORDER BY created_at, id`,
  );
  return rows as Array<{
    id: string; dedupe_key: string; kind: string; to_address: string; subject: string; html: string; text: string;
    message_id: string; status: string; attempts: number; smtp_response: string | null; last_error: string | null;
  }>;
}
