// Sends what the outbox holds. Each round claims a batch (FOR UPDATE SKIP LOCKED, a lease), sends
// each message outside any transaction, then records the SMTP answer: sent, queued again with
// backoff (a 4xx or a connection that failed), or failed (a 5xx, or out of attempts). A sender
// that dies mid-send leaves its rows to be claimed again when the lease ends; the stable
// Message-ID lets the receiving side drop the rare copy sent twice.
import type { Logger } from 'pino';
import { SendError, type MailTransport } from './mail-transport.ts';
import type { OutboxRepository } from './outbox-repository.ts';

export interface SenderOptions {
  outbox: OutboxRepository;
  transport: MailTransport;
  from: string;
  logger: Logger;
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before attempt n+1 after n failed ones. */
  backoffMs?: (attempts: number) => number;
}

export const MAX_ATTEMPTS = 8;
/** 30 s, 1 min, 2 min ... capped at an hour: about four hours from the first to the last attempt. */
export const defaultBackoff = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);

export function createOutboxSender(o: SenderOptions) {
  const pollMs = o.pollMs ?? 1_000;
  const batch = o.batch ?? 10;
  // Longer than a send can take (30 s socket timeout), short enough that a killed instance's mail goes within a minute.
  const leaseMs = o.leaseMs ?? 60_000;
  const maxAttempts = o.maxAttempts ?? MAX_ATTEMPTS;
  const backoff = o.backoffMs ?? defaultBackoff;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function sendOne(mail: Awaited<ReturnType<OutboxRepository['claim']>>[number]): Promise<void> {
    const log = o.logger.child({ emailId: mail.id, messageId: mail.messageId, attempt: mail.attempts });
    try {
      const response = await o.transport.send({ ...mail, from: o.from });
      await o.outbox.markSent(mail.id, response);
      log.info({ smtp: response }, 'email sent');
    } catch (error) {
      const e = error instanceof SendError ? error : new SendError(String(error), false, null);
      if (e.permanent || mail.attempts >= maxAttempts) {
        await o.outbox.markFailed(mail.id, e.message, e.response);
        log.error({ smtp: e.response, err: e.message }, 'email failed for good');
      } else {
        const delayMs = backoff(mail.attempts);
        await o.outbox.markRetry(mail.id, e.message, e.response, delayMs);
        log.warn({ smtp: e.response, err: e.message, retryInMs: delayMs }, 'email not sent: will retry');
      }
    }
  }

  /** One round: claims a batch and sends it; resolves with how many were claimed. */
  async function runOnce(): Promise<number> {
    const claimed = await o.outbox.claim(batch, leaseMs);
    for (const mail of claimed) await sendOne(mail);
    return claimed.length;
  }

  function exclusive(): Promise<number> {
    running ??= runOnce().finally(() => (running = undefined));
    return running;
  }

  async function tick(): Promise<void> {
    try {
      // A full batch means more may be waiting: go on at once.
      while (!stopped && (await exclusive()) === batch);
    } catch (error) {
      o.logger.warn({ err: error }, 'email outbox unavailable: will try again');
    }
    if (!stopped) timer = setTimeout(() => void tick(), pollMs);
  }

  return {
    runOnce: exclusive,
    /** Sends until nothing is due now (tests, the statement command). */
    async drain(): Promise<void> {
      while ((await exclusive()) > 0);
    },
    start(): void {
      stopped = false;
      timer ??= setTimeout(() => void tick(), 0);
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
