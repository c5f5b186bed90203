// The zero-config mail server: outside production with no SMTP_URL, the app sends its mail to
// this real SMTP server on 127.0.0.1, so the whole SMTP path (nodemailer, the outbox's answers,
// Message-IDs) runs on a laptop and in tests. It delivers nothing: it keeps the last messages in
// memory, and the dashboard's Emails tab shows what the outbox sent it.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: string;
  from: string;
  to: string[];
  raw: string;
  receivedAt: Date;
}

export interface SmtpCatcher {
  url: string;
  port: number;
  messages: CaughtMail[];
  close(): Promise<void>;
}

export interface CatcherOptions {
  port?: number;
  /** How many messages to keep (the oldest go first). */
  keep?: number;
  /**
   * Decides the answer to each message: return an Error with `responseCode` (451, 550...) to
   * refuse it. Tests use it to make a real server refuse; the app's catcher accepts everything.
   */
  answer?: (mail: Omit<CaughtMail, 'id' | 'receivedAt'>) => (Error & { responseCode?: number }) | null;
  /** Told of errors after start (mostly a client that hung up mid-message); the app logs them. */
  onError?: (error: Error) => void;
}

export async function startSmtpCatcher(options: CatcherOptions = {}): Promise<SmtpCatcher> {
  const keep = options.keep ?? 200;
  const messages: CaughtMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to make, no credentials to check.
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        const refusal = options.answer?.(mail) ?? null;
        if (refusal) return callback(refusal);
        const id = randomUUID();
        messages.push({ id, ...mail, receivedAt: new Date() });
        if (messages.length > keep) messages.splice(0, messages.length - keep);
        callback(null, `queued as ${id}`);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // smtp-server re-emits every connection's socket error (a client killed mid-message sends
  // ECONNRESET) on the server; with no listener that is an uncaught 'error' that takes the whole
  // process down. A client hanging up is that client's business: the message it was sending is
  // simply not kept, and its sender (the outbox) retries.
  server.on('error', (error: Error) => options.onError?.(error));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
