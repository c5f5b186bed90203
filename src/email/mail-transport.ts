// The only code that speaks SMTP: nodemailer over SMTP_URL (or the embedded catcher's address).
// The outbox sender depends on the MailTransport port, never on nodemailer.
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** `<id@domain>`, kept by the outbox so that every attempt carries the same one. */
  messageId: string;
  /** Extra headers (List-Unsubscribe...). */
  headers?: Record<string, string> | null;
}

export interface MailTransport {
  /** Resolves with the server's answer (`250 ... queued as X`); rejects with a SendError. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

/** An SMTP refusal or a connection failure; `permanent` for 5xx answers, which a retry cannot change. */
export class SendError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly response: string | null) {
    super(message);
    this.name = 'SendError';
  }
}

const SEND_TIMEOUT_MS = 30_000;

export function createSmtpTransport(smtpUrl: string, o: { maxConnections?: number } = {}): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    // Connections kept open and reused for a burst of receipts, as many as the sender sends at once.
    pool: true,
    maxConnections: o.maxConnections ?? 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  return {
    async send(mail) {
      try {
        // The message is built into one buffer first and handed over raw: streamed part by part
        // (sendMail's own way), each header and body chunk was its own write to the socket,
        // about fifteen a receipt instead of a handful (counted with strace).
        const message = new MailComposer({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          html: mail.html,
          text: mail.text,
          messageId: mail.messageId,
          ...(mail.headers ? { headers: mail.headers } : {}),
        }).compile();
        const info = await transporter.sendMail({ envelope: message.getEnvelope(), raw: await message.build() });
        return String(info.response ?? '250 OK');
      } catch (error) {
        const e = error as { responseCode?: number; response?: string; message?: string };
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
        throw new SendError(e.message ?? String(error), permanent, e.response ?? null);
      }
    },
    close: () => transporter.close(),
  };
}
