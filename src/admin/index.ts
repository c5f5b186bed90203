// The admin API, composed: repositories -> services -> routes, behind the bearer-key check.
// Mounted by app.ts at /api/admin.
import { Router } from 'express';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { Database } from '../db/client.ts';
import { adminAuth } from '../http/admin-auth.ts';
import type { Capacity } from '../http/capacity.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createReconciliationGateway } from '../stripe/reconciliation-gateway.ts';
import { createAdminCampaignRepository } from './admin-campaign-repository.ts';
import { createAdminCampaignService } from './admin-campaign-service.ts';
import { createAdminKeyRepository } from './admin-key-repository.ts';
import { createAdminKeyService } from './admin-key-service.ts';
import { createAdminSessionRepository } from './admin-session-repository.ts';
import { createAdminSessionService } from './admin-session-service.ts';
import { createAdminPledgeRepository } from './admin-pledge-repository.ts';
import { createAdminPledgeService } from './admin-pledge-service.ts';
import { adminRoutes } from './admin-routes.ts';
import { createExportRepository } from './export-repository.ts';
import { createExportService } from './export-service.ts';
import { createExportSlots } from './export-slots.ts';
import { createReconciliationRepository } from './reconciliation-repository.ts';
import { createReconciliationService } from './reconciliation-service.ts';
import { createWebhookEventQueryRepository } from './webhook-event-query-repository.ts';
import { createWebhookEventService, type WebhookOperations } from './webhook-operations.ts';
import { createDashboardRepository } from './dashboard-repository.ts';
import { createDashboardService } from './dashboard-service.ts';

export const ADMIN_PATH = '/api/admin';

export interface AdminApiDeps {
  /** Admin work runs on db.admin (its own pool), never on the donors' pool. */
  db: Database;
  exports: Capacity['exports'];
  stripe: Stripe;
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
    campaigns: createAdminCampaignService({ campaigns: createAdminCampaignRepository(db), clock }),
    pledges: createAdminPledgeService({ pledges: createAdminPledgeRepository(db) }),
    exports: createExportService({
      exports: createExportRepository(db),
      slots: createExportSlots(deps.exports.concurrent),
      stallAfterMs: deps.exports.stallMs,
      metrics: deps.metrics,
    }),
    reconciliation: createReconciliationService({
      stripe: createReconciliationGateway(deps.stripe),
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

export { inboxOperations, type WebhookOperations } from './webhook-operations.ts';
