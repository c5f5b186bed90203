// Staff's handle on the webhook inbox: list events, replay a failed one, recover missed events now.
// Replay and recovery are reached through this small interface (the ledger's, ledger.ts) so the
// admin API does not depend on how the inbox is built (and tests can stub it).
import { keysetPage, type Page } from '../listing.ts';
import { INBOX_EVENT_ID, type WebhookEventListQuery } from './webhook-admin-schemas.ts';
import type { WebhookEventQueryRepository, WebhookEventSummary } from './webhook-event-query-repository.ts';

export interface WebhookOperations {
  replay(eventId: string): Promise<{ status: string; [key: string]: unknown }>;
  recoverMissedEvents(options: { since: Date }): Promise<unknown>;
}

type EventView = Omit<WebhookEventSummary, 'stripeCreatedAt' | 'receivedAt' | 'processedAt'> & {
  stripeCreatedAt: string;
  receivedAt: string;
  processedAt: string | null;
};

export function createWebhookEventService(deps: { events: WebhookEventQueryRepository; operations: WebhookOperations }) {
  return {
    list(query: WebhookEventListQuery): Promise<Page<EventView>> {
      return keysetPage({
        cursor: query.cursor,
        idPattern: INBOX_EVENT_ID,
        limit: query.limit,
        fetch: (after, limit) => deps.events.page({ status: query.status, type: query.type }, after, limit),
        positionOf: (e) => ({ at: e.receivedAt, id: e.id }),
        view: (e) => ({
          ...e,
          stripeCreatedAt: e.stripeCreatedAt.toISOString(),
          receivedAt: e.receivedAt.toISOString(),
          processedAt: e.processedAt?.toISOString() ?? null,
        }),
      });
    },
    replay: (eventId: string) => deps.operations.replay(eventId),
    recoverMissedEvents: (since: Date) => deps.operations.recoverMissedEvents({ since }),
  };
}

export type WebhookEventService = ReturnType<typeof createWebhookEventService>;
