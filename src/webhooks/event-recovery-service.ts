// Recovery: what the webhook stream missed (an outage, a misconfigured endpoint, deliveries
// switched off) is fetched from Stripe and fed through the same inbox as live deliveries. The
// inbox makes it harmless: an event already stored is a duplicate, and every ledger write is a
// forward-only merge, so running this twice, or alongside live webhooks, changes nothing.
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Database } from '../db/client.ts';
import { createPaymentRepository } from '../payments/payment-repository.ts';
import { createPledgeLedgerRepository } from '../payments/pledge-ledger-repository.ts';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';
import { eventHandlers } from './event-handlers.ts';
import { createWebhookEventRepository, type InboxStatus } from './webhook-event-repository.ts';
import type { WebhookInbox } from './webhook-inbox.ts';

/** Stripe's events API reaches back this far. */
export const EVENT_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;
// Checkout Sessions live at most 24 hours: a pending pledge older than the window plus a day
// has nothing left to learn from its session.
const SESSION_LIFETIME_MS = DAY_MS;
const FEE_BATCH = 500;

export interface RecoveryProgress {
  stage: 'events' | 'sessions' | 'fees';
  done: number;
  total?: number;
}

export interface RecoverySummary {
  since: Date;
  events: { listed: number; alreadyStored: number; applied: Record<string, number> };
  sessions: { checked: number; applied: number };
  fees: { missing: number; filled: number; unavailable: number };
  inbox: Record<InboxStatus, number>;
}

export interface RecoveryDeps {
  db: Pick<Database, 'prisma'>;
  gateway: LedgerGateway;
  inbox: WebhookInbox;
  logger: Logger;
  clock?: () => Date;
}

export async function recoverMissedEvents(
  deps: RecoveryDeps,
  options: { since: Date; onProgress?: (p: RecoveryProgress) => void },
): Promise<RecoverySummary> {
  const now = (deps.clock ?? (() => new Date()))();
  const oldest = new Date(now.getTime() - EVENT_RETENTION_DAYS * DAY_MS);
  const since = options.since < oldest ? oldest : options.since;
  if (since !== options.since) deps.logger.warn({ requested: options.since, since }, 'Stripe keeps 30 days of events: starting there');
  const progress = options.onProgress ?? (() => {});
  const events = createWebhookEventRepository(deps.db.prisma);
  const summary: RecoverySummary = {
    since,
    events: { listed: 0, alreadyStored: 0, applied: {} },
    sessions: { checked: 0, applied: 0 },
    fees: { missing: 0, filled: 0, unavailable: 0 },
    inbox: { received: 0, processed: 0, ignored: 0, failed: 0, deferred: 0 },
  };
  const count = (status: string) => (summary.events.applied[status] = (summary.events.applied[status] ?? 0) + 1);

  // 1. Every event Stripe made in the window that the inbox does not hold.
  const listed = (await deps.gateway.eventsSince(since, (n) => progress({ stage: 'events', done: 0, total: n }))).filter(
    (e) => e.type in eventHandlers,
  );
  summary.events.listed = listed.length;
  const stored = await events.known(listed.map((e) => e.id));
  summary.events.alreadyStored = stored.size;
  let done = 0;
  for (const event of listed) {
    if (!stored.has(event.id)) count((await deps.inbox.receive(event, 'reconcile')).status);
    progress({ stage: 'events', done: ++done, total: listed.length });
  }

  // 2. Pledges still pending: their session may have completed or expired without an event we
  // could list (older than the window, or an event Stripe never sent).
  const pending = await createPledgeLedgerRepository(deps.db.prisma).pendingWithSession(new Date(since.getTime() - SESSION_LIFETIME_MS));
  for (const [i, pledge] of pending.entries()) {
    const session = await deps.gateway.checkoutSession(pledge.checkoutSessionId);
    summary.sessions.checked++;
    const type = session.status === 'complete' ? 'checkout.session.completed' : session.status === 'expired' ? 'checkout.session.expired' : null;
    if (type) {
      const result = await deps.inbox.receive(syntheticEvent(type, session, now), 'reconcile');
      if (result.status === 'processed') summary.sessions.applied++;
    }
    progress({ stage: 'sessions', done: i + 1, total: pending.length });
  }

  // 3. Fees Stripe could not tell us when the payment was recorded.
  const payments = createPaymentRepository(deps.db.prisma);
  const missing = await payments.missingFees(FEE_BATCH);
  summary.fees.missing = missing.length;
  for (const [i, payment] of missing.entries()) {
    try {
      const paymentIntentId = payment.paymentIntentId ?? (payment.invoiceId ? await deps.gateway.invoicePaymentIntent(payment.invoiceId) : null);
      const facts = paymentIntentId ? await deps.gateway.chargeSettlement(paymentIntentId) : null;
      if (facts && facts.fee !== null) {
        await payments.fillSettlement(payment.id, facts);
        summary.fees.filled++;
      } else {
        summary.fees.unavailable++;
      }
    } catch (error) {
      summary.fees.unavailable++;
      deps.logger.warn({ err: error, paymentId: payment.id }, 'fee still not available from Stripe');
    }
    progress({ stage: 'fees', done: i + 1, total: missing.length });
  }

  summary.inbox = await events.counts();
  deps.logger.info({ summary }, 'recovery of missed events finished');
  return summary;
}

/**
 * A session's current state as an event of our own making. Its id names the state, so the same
 * state fed twice is one inbox row; the ledger merge makes it agree with Stripe's real event.
 */
function syntheticEvent(type: 'checkout.session.completed' | 'checkout.session.expired', session: Stripe.Checkout.Session, now: Date): Stripe.Event {
  return {
    id: `reconcile_${session.id}_${session.status}_${session.payment_status}`,
    object: 'event',
    api_version: null,
    created: Math.floor(now.getTime() / 1000),
    data: { object: session },
    livemode: session.livemode,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  } as Stripe.Event;
}
