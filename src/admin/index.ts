// The admin API, composed from each domain's staff services and routes, behind the bearer-key check.
// Mounted by app.ts at /api/admin.
import { Router } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../db/client.ts';
import { adminAuth } from '../http/admin-auth.ts';
import type { Capacity } from '../http/capacity.ts';
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
import { adminRoutes } from './admin-routes.ts';
import { createAdminSessionRepository } from './admin-session-repository.ts';
import { createAdminSessionService } from './admin-session-service.ts';
import { createDashboardRepository } from './dashboard-repository.ts';
import { createDashboardService } from './dashboard-service.ts';

export const ADMIN_PATH = '/api/admin';

export interface AdminApiDeps {
  /** Admin work runs on db.admin (its own pool), never on the donors' pool. */
  db: Database;
  exports: Capacity['exports'];
  reconciliation: ReconciliationGateway;
  logger: Logger;
  webhooks: WebhookOperations;
  clock?: () => Date;
  metrics?: Pick<Metrics, 'exportStarted'>;
}

/** The admin services, built once and shared by the API and the dashboard. */
export function createAdminServices(deps: AdminApiDeps) {
  const { logger, clock } = deps;
  const db = deps.db.admin;
  return {
    keys: createAdminKeyService({ keys: createAdminKeyRepository(db), logger, clock }),
    sessions: createAdminSessionService({ sessions: createAdminSessionRepository(db), clock }),
    campaigns: createCampaignManagementService({ campaigns: createCampaignRepository(db), clock }),
    pledges: createPledgeListService({ pledges: createPledgeListRepository(db) }),
    exports: createExportService({
      exports: createExportRepository(db),
      slots: createExportSlots(deps.exports.concurrent),
      stallAfterMs: deps.exports.stallMs,
      metrics: deps.metrics,
    }),
    reconciliation: createReconciliationService({
      stripe: deps.reconciliation,
      payments: createReconciliationRepository(db),
      clock,
    }),
    webhookEvents: createWebhookEventService({ events: createWebhookEventQueryRepository(db), operations: deps.webhooks }),
    dashboard: createDashboardService({ dashboard: createDashboardRepository(db) }),
  };
}

export type AdminServices = ReturnType<typeof createAdminServices>;

export function adminApi(services: AdminServices, deps: Pick<AdminApiDeps, 'logger' | 'clock'>): Router {
  const router = Router();
  router.use(ADMIN_PATH, adminAuth(services.keys));
  router.use(ADMIN_PATH, adminRoutes({ ...services, logger: deps.logger, clock: deps.clock }));
  return router;
}

