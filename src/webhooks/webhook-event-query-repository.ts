// Reading the webhook inbox for staff (the inbox's own repository, webhook-event-repository.ts, writes it).
import type { Database } from '../db/client.ts';
import type { Prisma, WebhookEventStatus } from '../generated/prisma/client.ts';
import { keysetQuery, type Position } from '../listing.ts';

export interface WebhookEventSummary {
  id: string;
  type: string;
  status: string;
  attempts: number;
  lastError: string | null;
  source: string;
  objectId: string | null;
  waitingFor: string | null;
  stripeCreatedAt: Date;
  receivedAt: Date;
  processedAt: Date | null;
}

export function createWebhookEventQueryRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    /** Newest received first; `after` is the last row of the previous page. */
    async page(
      filter: { status?: WebhookEventStatus; type?: string },
      after: Position | null,
      limit: number,
    ): Promise<WebhookEventSummary[]> {
      const where: Prisma.WebhookEventWhereInput = {
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.type ? { type: filter.type } : {}),
      };
      return prisma.webhookEvent.findMany({
        ...keysetQuery('receivedAt', where, after, limit),
        // Never the payload: it holds donors' personal data and is large.
        select: {
          id: true, type: true, status: true, attempts: true, lastError: true, source: true, objectId: true,
          waitingFor: true, stripeCreatedAt: true, receivedAt: true, processedAt: true,
        },
      });
    },
  };
}

export type WebhookEventQueryRepository = ReturnType<typeof createWebhookEventQueryRepository>;
