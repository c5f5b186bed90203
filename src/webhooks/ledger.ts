// The ledger, assembled once: the inbox every Stripe event goes through on its way into payments
// and pledge states, the recovery of what the webhook stream missed, and replay of a failed event.
// app.ts, scripts/reconcile.ts and the admin API's inbox operations all get theirs from here.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { FeeFiller } from '../payments/fee-filler.ts';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';
import { recoverMissedEvents, type RecoveryProgress } from './event-recovery-service.ts';
import type { EventScope } from './event-scope.ts';
import { paymentMatches } from '../matching/index.ts';
import { createCheckoutFastPath } from './checkout-fast-path.ts';
import { createInboxStore, type NoticesFactory } from './inbox-transaction.ts';
import { createWebhookInbox } from './webhook-inbox.ts';
import type { WebhookOperations } from './webhook-operations.ts';

export function createLedger(deps: {
  db: Pick<Database, 'prisma' | 'pool'>;
  gateway: LedgerGateway;
  logger: Logger;
  scope: EventScope;
  /** Reads fees once payments are committed; without it, recovery fills them. */
  fees?: FeeFiller;
  metrics?: Pick<Metrics, 'webhookEvent'>;
  clock?: () => Date;
  /** What the donor is told in the same transaction as the money (receipts, refund notices). */
  notices?: NoticesFactory;
}) {
  // Matches are a rule of the books, not an option: every payment takes (and gives back) its match
  // in the transaction that records it, whoever applies the event (webhook, replay, reconcile).
  const store = createInboxStore(deps.db, { notices: deps.notices, matches: paymentMatches });
  const fastPath = createCheckoutFastPath({ pool: deps.db.pool, notices: deps.notices });
  const inbox = createWebhookInbox({
    store, gateway: deps.gateway, logger: deps.logger, fees: deps.fees, metrics: deps.metrics, scope: deps.scope, fastPath,
  });
  const recover = (options: { since: Date; onProgress?: (p: RecoveryProgress) => void }) =>
    recoverMissedEvents({ db: deps.db, gateway: deps.gateway, inbox, logger: deps.logger, clock: deps.clock }, options);
  const operations: WebhookOperations = {
    replay: (eventId) => inbox.replay(eventId),
    recoverMissedEvents: recover,
  };
  return {
    inbox,
    /** The inbox's events outside any transaction (the backlog gauge reads them). */
    events: store.events,
    recoverMissedEvents: recover,
    /** What staff may do with the inbox (admin API and dashboard). */
    operations,
  };
}

export type Ledger = ReturnType<typeof createLedger>;
