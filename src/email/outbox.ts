// What the outbox holds, in the service's own terms.
export type EmailKind = 'receipt' | 'refund' | 'statement' | 'manage_link' | 'correction' | 'digest_confirm' | 'digest_welcome';
export type EmailStatus = 'queued' | 'sending' | 'sent' | 'failed';

/** A rendered message to queue: written once per dedupe key, whatever happens. */
export interface NewEmail {
  dedupeKey: string;
  kind: EmailKind;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe...), sent as they are on every attempt. */
  headers?: Record<string, string>;
}

export interface ClaimedEmail {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  attempts: number;
  headers: Record<string, string> | null;
}

export interface EmailRow {
  id: string;
  kind: EmailKind;
  to: string;
  subject: string;
  status: EmailStatus;
  attempts: number;
  smtpResponse: string | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** The domain of a From header (`"Org" <receipts@example.org>` -> example.org), for Message-IDs. */
export function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim() || 'localhost';
}
