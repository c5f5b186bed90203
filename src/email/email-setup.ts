// Where mail goes: SMTP_URL, or, outside production without it, the embedded catcher. Starts the
// outbox sender; RECEIPTS=off starts nothing (and nothing is queued).
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { createSmtpTransport } from './mail-transport.ts';
import { createOutboxRepository } from './outbox-repository.ts';
import { createOutboxSender, SEND_CONCURRENCY, type OutboxSender } from './outbox-sender.ts';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher.ts';

export interface EmailSetup {
  sender?: OutboxSender;
  catcher?: SmtpCatcher;
  stop(): Promise<void>;
}

export async function startEmail(config: Config, db: Pick<Database, 'prisma'>, logger: Logger): Promise<EmailSetup> {
  if (!config.email.enabled) {
    logger.warn('RECEIPTS=off: no receipts or other email are sent');
    return { stop: async () => {} };
  }
  let catcher: SmtpCatcher | undefined;
  let url = config.email.smtpUrl;
  if (!url) {
    // config refuses production without SMTP_URL, so this is a laptop or a test run.
    catcher = await startSmtpCatcher({
      onError: (error) => logger.warn({ err: error, component: 'smtp-catcher' }, 'SMTP catcher: a client connection failed'),
    });
    url = catcher.url;
    logger.info({ smtp: url }, 'no SMTP_URL: email goes to the embedded SMTP catcher (see the dashboard\'s Emails tab)');
  }
  const transport = createSmtpTransport(url, { maxConnections: SEND_CONCURRENCY });
  const sender = createOutboxSender({
    outbox: createOutboxRepository(db.prisma),
    transport,
    from: config.email.from,
    logger: logger.child({ component: 'email-outbox' }),
  });
  sender.start();
  return {
    sender,
    catcher,
    async stop() {
      await sender.stop();
      transport.close();
      await catcher?.close();
    },
  };
}
