// `npm run receipts:annual -- --year 2026 [--send]` (src/receipts/statement-cli.ts). Same
// database as the app (DATABASE_URL, else the embedded PostgreSQL, joined if the app runs). The
// statements are queued in the outbox: the running app's sender sends them; with SMTP_URL set,
// this command also sends them itself (beside the app, SKIP LOCKED keeps each to one sender).
import { SingleBar } from 'cli-progress';
import { writeFile } from 'node:fs/promises';
import { createSmtpTransport } from '../src/email/mail-transport.ts';
import { createOutboxRepository } from '../src/email/outbox-repository.ts';
import { createOutboxSender } from '../src/email/outbox-sender.ts';
import { senderDomain } from '../src/email/outbox.ts';
import { createLogger } from '../src/logger.ts';
import { runAnnualStatements } from '../src/receipts/statement-cli.ts';
import { createStatementService } from '../src/receipts/statement-service.ts';
import { loadConfigOrExit, runWithDatabase } from './command-runner.ts';

const config = loadConfigOrExit();
if (!config.email.enabled && process.argv.includes('--send')) {
  process.stderr.write('RECEIPTS=off: statements are not sent\n');
  process.exit(78);
}
await runWithDatabase(config, async (db) => {
  const bar = process.stderr.isTTY ? new SingleBar({ stream: process.stderr, format: 'statements [{bar}] {value}/{total}' }) : undefined;
  const code = await runAnnualStatements(
    process.argv.slice(2),
    createStatementService({ client: db.prisma, org: config.org, domain: senderDomain(config.email.from) }),
    {
      out: (text) => process.stdout.write(text),
      err: (line) => process.stderr.write(`${line}\n`),
      writeFile: (path, text) => writeFile(path, text),
      progress: bar && { start: (total) => bar.start(total, 0), tick: () => bar.increment(), stop: () => bar.stop() },
    },
  );
  if (code === 0 && process.argv.includes('--send') && config.email.smtpUrl) {
    const transport = createSmtpTransport(config.email.smtpUrl);
    const sender = createOutboxSender({
      outbox: createOutboxRepository(db.prisma), transport, from: config.email.from, logger: createLogger(process.env.LOG_LEVEL ?? 'warn', process.stderr),
    });
    await sender.drain();
    transport.close();
  }
  return code;
});
