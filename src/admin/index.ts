// The admin services, composed from each domain's staff services on the admin pool; the API
// (admin-routes.ts) and the dashboard (src/web) share them.
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createCampaignRepository } from '../campaigns/campaign-repository.ts';
import { createCampaignManagementService } from '../campaigns/campaign-management-service.ts';
import { createExportRepository } from '../payments/export-repository.ts';
import { createExportService } from '../payments/export-service.ts';
import { createExportSlots } from '../payments/export-slots.ts';
import type { ReconciliationGateway } from '../payments/reconciliation-gateway.ts';
import { createReconciliationRepository } from '../payments/reconciliation-report-repository.ts';
import { createReconciliationService } from '../payments/reconciliation-report-service.ts';
import { createPledgeListRepository } from '../pledges/pledge-list-repository.ts';
import { createPledgeListService } from '../pledges/pledge-list-service.ts';
import { createWebhookEventQueryRepository } from '../webhooks/webhook-event-query-repository.ts';
import { createWebhookEventService, type WebhookOperations } from '../webhooks/webhook-operations.ts';
import { createAdminKeyRepository } from './admin-key-repository.ts';
import { createAdminKeyService } from './admin-key-service.ts';
import { createAdminSessionRepository } from './admin-session-repository.ts';
import { createAdminSessionService } from './admin-session-service.ts';
import { createDashboardRepository } from './dashboard-repository.ts';
import { createDashboardService } from './dashboard-service.ts';
import { createPaymentQueryRepository } from '../payments/payment-query-repository.ts';
import type { OfflineGiftEffectsFactory } from '../offline-gifts/offline-gift.ts';
import { createOfflineGiftRepository } from '../offline-gifts/offline-gift-repository.ts';
import { createOfflineGiftService } from '../offline-gifts/offline-gift-service.ts';
import { createMatchPoolRepository } from '../matching/match-pool-repository.ts';
import { createMatchPoolService } from '../matching/match-pool-service.ts';
import { createSubscriberExportRepository } from '../digest/digest-repository.ts';

export interface AdminApiDeps {
  /** Admin work runs on db.admin (its own pool), never on the donors' pool. */
  db: Database;
  /** How many exports may run at once, and how long one may stall before it is ended. */
  exports: { concurrent: number; stallMs: number };
  reconciliation: ReconciliationGateway;
  logger: Logger;
  webhooks: WebhookOperations;
  clock?: () => Date;
  metrics?: Pick<Metrics, 'exportStarted'>;
  /** What follows an offline gift in its transaction (its receipt, its match). */
  offlineGiftEffects?: OfflineGiftEffectsFactory;
}

/** The admin services, built once and shared by the API and the dashboard. */
export function createAdminServices(deps: AdminApiDeps) {
  const { logger, clock } = deps;
  const db = deps.db.admin;
  return {
    keys: createAdminKeyService({ keys: createAdminKeyRepository(db), logger, clock }),
    sessions: createAdminSessionService({ sessions: createAdminSessionRepository(db), clock }),
    campaigns: createCampaignManagementService({ campaigns: createCampaignRepository(db), clock }),
    matchPools: createMatchPoolService({ pools: createMatchPoolRepository(db), campaigns: createCampaignRepository(db), clock }),
    pledges: createPledgeListService({ pledges: createPledgeListRepository(db) }),
    exports: createExportService({
      exports: createExportRepository(db),
      slots: createExportSlots(deps.exports.concurrent),
      stallAfterMs: deps.exports.stallMs,
      metrics: deps.metrics,
    }),
    subscribers: createSubscriberExportRepository(db),
    reconciliation: createReconciliationService({
      stripe: deps.reconciliation,
      payments: createReconciliationRepository(db),
      clock,
    }),
    webhookEvents: createWebhookEventService({ events: createWebhookEventQueryRepository(db), operations: deps.webhooks }),
    offlineGifts: createOfflineGiftService({ gifts: createOfflineGiftRepository(deps.db, deps.offlineGiftEffects), clock }),
    dashboard: createDashboardService({ dashboard: createDashboardRepository(db), payments: createPaymentQueryRepository(db.pool) }),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;

