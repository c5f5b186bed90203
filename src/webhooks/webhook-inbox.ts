// The inbox: every verified Stripe event goes through `receive` (webhooks, recovery) or
// `replay` (a failed event, by id). Exactly once comes from the database, not from Stripe:
//   BEGIN; INSERT the event ON CONFLICT (id) DO NOTHING  -- a duplicate, even one arriving at the
//   same moment on another instance, waits on the primary key and then finds the row: done.
//   lock the event's subjects; apply its handler; mark it; wake events deferred on it; COMMIT.
// A paid one-time checkout, the common case, first tries the same in one statement
// (checkout-fast-path.ts), which declines, writing nothing, whenever anything is unusual.
// Any transient failure rolls all of it back and the caller answers 5xx so Stripe retries.
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { Conflict, NotFound } from '../errors.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { FeeFiller } from '../payments/fee-filler.ts';
import type { LedgerOutcome } from '../payments/payment-service.ts';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';
import { envelopeProblem } from './event-envelope.ts';
import type { HandlerMap } from './event-handler.ts';
import { eventHandlers } from './event-handlers.ts';
import { outOfScope, type EventScope } from './event-scope.ts';
import type { CheckoutFastPath } from './checkout-fast-path.ts';
import type { InboxStore, InboxTransaction } from './inbox-transaction.ts';
import { describeError, isPermanentFailure, PermanentEventError } from './webhook-errors.ts';

export type InboxSource = 'webhook' | 'reconcile' | 'replay';

export type InboxResult =
  | LedgerOutcome
  | { status: 'duplicate' }
  | { status: 'failed'; error: string };

export interface WebhookInboxDeps {
  store: InboxStore;
  gateway: LedgerGateway;
  logger: Logger;
  /** Which events are this service's (the key's mode, the account): others are stored as ignored. */
  scope: EventScope;
  /** Follow-up reads of fees once a payment is committed; without it, recovery fills them. */
  fees?: FeeFiller;
  handlers?: HandlerMap;
  metrics?: Pick<Metrics, 'webhookEvent'>;
  /** The common case in one statement (checkout-fast-path.ts); it declines anything else. */
  fastPath?: CheckoutFastPath;
}

/** What the inbox row records of an outcome. */
const outcomeColumns = (outcome: LedgerOutcome) => ({
  status: outcome.status,
  waitingFor: outcome.status === 'deferred' ? outcome.waitingFor : null,
  note: outcome.status === 'ignored' ? outcome.reason : null,
});

// A chain of deferred events waking each other is short (refund -> dispute -> ...); the bound
// only guards against a bug looping forever inside a transaction.
const MAX_WAKE_ROUNDS = 20;

export function createWebhookInbox(deps: WebhookInboxDeps) {
  const handlers = deps.handlers ?? eventHandlers;
  const { store, gateway } = deps;

  // Own properties only: a type of 'constructor' or '__proto__' is not a handler.
  const handlerFor = (event: Stripe.Event) => (Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined);
  const notOurs = (event: Stripe.Event) => outOfScope(event, deps.scope);

  async function prepare(event: Stripe.Event, logger: Logger): Promise<unknown> {
    if (notOurs(event)) return undefined; // nothing to read from Stripe for an event we ignore
    const handler = handlerFor(event);
    return handler?.prepare ? handler.prepare(event.data.object as never, { gateway, logger }) : undefined;
  }

  /** The subjects apply() will lock for this event: none for one it ignores or cannot apply. */
  function subjectsFor(event: Stripe.Event, prepared: unknown): string[] {
    const handler = handlerFor(event);
    if (notOurs(event) || !handler || typeof (event.data.object as { id?: unknown }).id !== 'string') return [];
    return handler.subjects(event.data.object as never, prepared);
  }

  async function apply(tx: InboxTransaction, event: Stripe.Event, prepared: unknown, logger: Logger): Promise<LedgerOutcome> {
    const foreign = notOurs(event);
    if (foreign) {
      await tx.events.settle(event.id, { status: 'ignored', note: foreign });
      return { status: 'ignored', reason: foreign };
    }
    const handler = handlerFor(event);
    if (!handler) {
      await tx.events.settle(event.id, { status: 'ignored', note: 'event type not handled' });
      return { status: 'ignored', reason: 'event type not handled' };
    }
    const object = event.data.object as never;
    // Every object a handler reads is a Stripe object with an id; anything else can never apply.
    if (typeof (object as { id?: unknown }).id !== 'string') throw new PermanentEventError(`${event.type} without an object id`);
    const subjects = handler.subjects(object, prepared);
    await tx.lock(subjects);
    const outcome = await handler.apply(object, { ledger: tx.ledger(logger), prepared, event, logger });
    // The outcome and the first round of deferred events to wake, in one round trip.
    const waiting = await tx.events.settleAndTakeDeferred(event.id, outcomeColumns(outcome), subjects);
    if (outcome.status === 'processed') await wakeDeferred(tx, subjects, waiting, logger);
    return outcome;
  }

  /**
   * Re-applies, in this transaction, the events that were waiting for what just became known:
   * `first`, already taken for `subjects`, then those waiting for what they made known.
   */
  async function wakeDeferred(
    tx: InboxTransaction,
    subjects: string[],
    first: Array<{ payload: Stripe.Event }>,
    logger: Logger,
  ): Promise<void> {
    const seen = new Set<string>(subjects);
    let queue: string[] = [];
    let batch = first;
    for (let round = 0; batch.length > 0 && round < MAX_WAKE_ROUNDS; round++) {
      for (const { payload: event } of batch) {
        const log = logger.child({ deferredEventId: event.id, deferredEventType: event.type });
        try {
          // Its own savepoint: if it can never apply, only it is marked failed; the event that
          // woke it still commits.
          const outcome = await tx.savepoint(async () => {
            const handler = handlerFor(event)!;
            const own = handler.subjects(event.data.object as never, undefined);
            await tx.lock(own);
            const result = await handler.apply(event.data.object as never, { ledger: tx.ledger(log), prepared: undefined, event, logger: log });
            await tx.events.settle(event.id, outcomeColumns(result));
            if (result.status === 'processed') queue.push(...own);
            return result;
          });
          log.info({ status: outcome.status }, 'deferred stripe event applied');
        } catch (error) {
          if (!isPermanentFailure(error)) throw error;
          await tx.events.recordFailure(event, 'webhook', describeError(error));
          log.error({ err: error }, 'deferred stripe event can never apply: stored as failed');
        }
      }
      const keys = queue.filter((k) => !seen.has(k));
      keys.forEach((k) => seen.add(k));
      queue = [];
      batch = keys.length ? await tx.events.takeDeferred(keys) : [];
    }
  }

  /** Counts the outcome for /metrics; a type the service does not handle is 'other' (bounded labels). */
  function count(event: Stripe.Event, source: InboxSource, outcome: InboxResult['status'] | 'error'): void {
    deps.metrics?.webhookEvent(handlerFor(event) ? event.type : 'other', outcome, source);
  }

  function report(logger: Logger, result: InboxResult, event: Stripe.Event, source: InboxSource): InboxResult {
    count(event, source, result.status);
    if (result.status === 'failed') logger.error({ status: result.status, error: result.error }, 'stripe event can never apply: stored as failed');
    else logger.info({ status: result.status, ...(result.status === 'deferred' ? { waitingFor: result.waitingFor } : {}) }, 'stripe event');
    return result;
  }

  async function failPermanently(event: Stripe.Event, source: InboxSource, error: unknown, logger: Logger): Promise<InboxResult> {
    const message = describeError(error);
    try {
      await store.events.recordFailure(event, source, message);
    } catch (storeError) {
      if (!isPermanentFailure(storeError)) throw storeError;
      // What PostgreSQL refuses is the payload itself (a \u0000 in a string...): keep the envelope,
      // so the event is still on record as failed and Stripe stops retrying.
      await store.events.recordFailure(event, source, `${message}; payload not kept: ${describeError(storeError)}`, {
        stub: 'PostgreSQL refused the payload',
      });
    }
    logger.debug({ err: error }, 'permanent failure');
    return report(logger, { status: 'failed', error: message }, event, source);
  }

  return {
    /** Stores and applies one verified event. Throws on transient failure (nothing is kept). */
    async receive(event: Stripe.Event, source: InboxSource = 'webhook'): Promise<InboxResult> {
      const logger = deps.logger.child({ eventId: event.id, eventType: event.type, source });
      const problem = envelopeProblem(event);
      if (problem) return failPermanently(event, source, new PermanentEventError(problem), logger);
      // A redelivery must not cost a Stripe call: for events that read Stripe first, look before
      // preparing. For the others the claim below decides at once (one round trip fewer per event).
      if (handlerFor(event)?.prepare && (await store.events.known([event.id])).size > 0) {
        return report(logger, { status: 'duplicate' }, event, source);
      }
      try {
        const prepared = await prepare(event, logger);
        const subjects = subjectsFor(event, prepared);
        const fast = deps.fastPath && !notOurs(event) && handlerFor(event) ? await deps.fastPath.apply(event, source, subjects, logger) : null;
        const result = fast ?? (await store.transaction(async (tx): Promise<InboxResult> => {
          if (!(await tx.claim(event, source, subjects))) return { status: 'duplicate' };
          return apply(tx, event, prepared, logger);
        }));
        if (result.status === 'processed' && deps.fees) handlerFor(event)?.afterCommit?.(event.data.object as never, { fees: deps.fees }, prepared);
        return report(logger, result, event, source);
      } catch (error) {
        if (!isPermanentFailure(error)) {
          count(event, source, 'error');
          throw error;
        }
        return failPermanently(event, source, error, logger);
      }
    },

    /** Applies a failed event again, by its Stripe id (the admin API's replay). */
    async replay(eventId: string): Promise<InboxResult> {
      const stored = await store.events.find(eventId);
      if (!stored) throw new NotFound(`Webhook event '${eventId}'`);
      if (stored.status !== 'failed') throw new Conflict(`Webhook event '${eventId}' is ${stored.status}; only failed events are replayed`);
      const event = stored.payload;
      const logger = deps.logger.child({ eventId: event.id, eventType: event.type, source: 'replay' });
      const problem = envelopeProblem(event);
      if (problem) return failPermanently(event, 'replay', new PermanentEventError(problem), logger);
      try {
        const prepared = await prepare(event, logger);
        const result = await store.transaction(async (tx): Promise<InboxResult> => {
          const row = await tx.events.lock(eventId);
          if (!row || row.status !== 'failed') return { status: 'duplicate' };
          await tx.events.countAttempt(eventId);
          return apply(tx, event, prepared, logger);
        });
        return report(logger, result, event, 'replay');
      } catch (error) {
        if (!isPermanentFailure(error)) {
          count(event, 'replay', 'error');
          throw error;
        }
        return failPermanently(event, 'replay', error, logger);
      }
    },
  };
}

export type WebhookInbox = ReturnType<typeof createWebhookInbox>;
