// Sends what the outbox holds. Each round claims a batch (FOR UPDATE SKIP LOCKED, a lease), sends
// its messages a few at a time over the transport's pooled connections, outside any transaction,
// then records the SMTP answers: every message sent in one statement, the others one by one
// (queued again with backoff after a 4xx or a connection that failed, failed after a 5xx or the
// last attempt). A sender that dies mid-round leaves its rows to be claimed again when the lease
// ends, so a message may go twice but is never lost; the stable Message-ID lets the receiving
// side drop the rare copy sent twice.
import type { Logger } from 'pino';
import { SendError, type MailTransport } from './mail-transport.ts';
import type { ClaimedEmail } from './outbox.ts';
import type { OutboxRepository } from './outbox-repository.ts';

export interface SenderOptions {
  outbox: OutboxRepository;
  transport: MailTransport;
  from: string;
  logger: Logger;
  pollMs?: number;
  batch?: number;
  /** Messages of a round in flight at once: at most the transport's connections. */
  concurrency?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Delay before attempt n+1 after n failed ones. */
  backoffMs?: (attempts: number) => number;
}

export const MAX_ATTEMPTS = 8;
/** 30 s, 1 min, 2 min ... capped at an hour: about four hours from the first to the last attempt. */
export const defaultBackoff = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
/** Messages sent at once by one sender, and so the SMTP connections its transport keeps open. */
export const SEND_CONCURRENCY = 4;

type Sent = { mail: ClaimedEmail; response: string };
type Outcome = Sent | { mail: ClaimedEmail; error: SendError };

/** Runs `work` on every item, at most `limit` at a time, and keeps the results in order. */
async function eachBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export function createOutboxSender(o: SenderOptions) {
  const pollMs = o.pollMs ?? 1_000;
  const batch = o.batch ?? 20;
  const concurrency = o.concurrency ?? SEND_CONCURRENCY;
  // Longer than a round normally takes, short enough that a killed instance's mail goes within a
  // minute. A round whose every send times out (30 s each, a batch of 20 five deep at 4 at a time)
  // can outlast it: its rows may then be sent again by another sender, which the Message-ID covers.
  const leaseMs = o.leaseMs ?? 60_000;
  const maxAttempts = o.maxAttempts ?? MAX_ATTEMPTS;
  const backoff = o.backoffMs ?? defaultBackoff;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  async function attempt(mail: ClaimedEmail): Promise<Outcome> {
    try {
      return { mail, response: await o.transport.send({ ...mail, from: o.from }) };
    } catch (error) {
      return { mail, error: error instanceof SendError ? error : new SendError(String(error), false, null) };
    }
  }

  // The log line carries the message's ids rather than a child logger made for each message.
  const about = (mail: ClaimedEmail) => ({ emailId: mail.id, messageId: mail.messageId, attempt: mail.attempts });

  async function refused(mail: ClaimedEmail, e: SendError): Promise<void> {
    if (e.permanent || mail.attempts >= maxAttempts) {
      await o.outbox.markFailed(mail.id, e.message, e.response);
      o.logger.error({ ...about(mail), smtp: e.response, err: e.message }, 'email failed for good');
    } else {
      const delayMs = backoff(mail.attempts);
      await o.outbox.markRetry(mail.id, e.message, e.response, delayMs);
      o.logger.warn({ ...about(mail), smtp: e.response, err: e.message, retryInMs: delayMs }, 'email not sent: will retry');
    }
  }

  /** One round: claims a batch and sends it; resolves with how many were claimed. */
  async function runOnce(): Promise<number> {
    const claimed = await o.outbox.claim(batch, leaseMs);
    const outcomes = await eachBounded(claimed, concurrency, attempt);
    const sent = outcomes.filter((x): x is Sent => 'response' in x);
    await o.outbox.markSent(sent.map(({ mail, response }) => ({ id: mail.id, response })));
    for (const { mail, response } of sent) o.logger.info({ ...about(mail), smtp: response }, 'email sent');
    for (const x of outcomes) if ('error' in x) await refused(x.mail, x.error);
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
