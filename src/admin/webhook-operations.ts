// Staff's handle on the webhook inbox: list events, replay a failed one, run a reconcile now.
// Replay and reconcile are the webhooks domain's own functions, reached through this small
// interface so the admin API does not depend on how the inbox is built (and tests can stub it).
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import type { LedgerGateway } from '../stripe/ledger-gateway.ts';
import { reconcile } from '../webhooks/reconcile-service.ts';
import type { WebhookInbox } from '../webhooks/webhook-inbox.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { WebhookEventListQuery } from './admin-schemas.ts';
import type { WebhookEventQueryRepository, WebhookEventSummary } from './webhook-event-query-repository.ts';

export interface WebhookOperations {
  replay(eventId: string): Promise<{ status: string; [key: string]: unknown }>;
  reconcile(options: { since: Date }): Promise<unknown>;
}

/** The real operations: the app's inbox, and the same reconcile as `npm run reconcile`. */
export function inboxOperations(deps: {
  db: Pick<Database, 'prisma'>;
  inbox: WebhookInbox;
  gateway: LedgerGateway;
  logger: Logger;
  clock?: () => Date;
}): WebhookOperations {
  return {
    replay: (eventId) => deps.inbox.replay(eventId),
    reconcile: ({ since }) =>
      reconcile({ db: deps.db, gateway: deps.gateway, inbox: deps.inbox, logger: deps.logger, clock: deps.clock }, { since }),
  };
}

type EventView = Omit<WebhookEventSummary, 'stripeCreatedAt' | 'receivedAt' | 'processedAt'> & {
  stripeCreatedAt: string;
  receivedAt: string;
  processedAt: string | null;
};

export function createWebhookEventService(deps: { events: WebhookEventQueryRepository; operations: WebhookOperations }) {
  return {
    async list(query: WebhookEventListQuery): Promise<{ data: EventView[]; nextCursor: string | null }> {
      const position = decodeCursor(query.cursor, /^evt_[A-Za-z0-9_]{1,250}$|^reconcile_[A-Za-z0-9_]{1,240}$/);
      const rows = await deps.events.page(
        { status: query.status, type: query.type },
        position && { receivedAt: position.at, id: position.id },
        query.limit + 1,
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        data: page.map((e) => ({
          ...e,
          stripeCreatedAt: e.stripeCreatedAt.toISOString(),
          receivedAt: e.receivedAt.toISOString(),
          processedAt: e.processedAt?.toISOString() ?? null,
        })),
        nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.receivedAt, id: last.id }) : null,
      };
    },
    replay: (eventId: string) => deps.operations.replay(eventId),
    reconcile: (since: Date) => deps.operations.reconcile({ since }),
  };
}

export type WebhookEventService = ReturnType<typeof createWebhookEventService>;
