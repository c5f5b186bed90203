// /api/admin: each domain's staff routes, composed. Authentication is applied by the caller to the
// whole mount (so even an unknown admin path answers 401 to a caller without a key).
import { Router } from 'express';
import type { Logger } from 'pino';
import { adminAuth } from '../http/admin-auth.ts';
import { campaignAdminRoutes } from '../campaigns/campaign-admin-routes.ts';
import { matchAdminRoutes } from '../matching/match-admin-routes.ts';
import { csvExportRoutes } from '../payments/export-routes.ts';
import { subscriberExportRoutes } from '../digest/subscriber-export-routes.ts';
import { reconciliationRoutes } from '../payments/reconciliation-routes.ts';
import { pledgeListRoutes } from '../pledges/pledge-list-routes.ts';
import { webhookAdminRoutes } from '../webhooks/webhook-admin-routes.ts';
import { offlineExportRoutes, offlineGiftRoutes } from '../offline-gifts/offline-gift-routes.ts';
import type { AdminServices } from './index.ts';

export const ADMIN_PATH = '/api/admin';

export type AdminRouteDeps = Pick<AdminServices, 'campaigns' | 'matchPools' | 'pledges' | 'exports' | 'subscribers' | 'reconciliation' | 'webhookEvents' | 'offlineGifts'> & {
  logger: Logger;
  clock?: () => Date;
};

export function adminRoutes(deps: AdminRouteDeps): Router {
  const router = Router();
  const now = deps.clock ?? (() => new Date());
  router.use(campaignAdminRoutes(deps));
  router.use(matchAdminRoutes(deps));
  router.use(pledgeListRoutes(deps));
  router.use(csvExportRoutes(deps.exports, deps.logger, now));
  router.use(subscriberExportRoutes({ exports: deps.exports, subscribers: deps.subscribers, logger: deps.logger, now }));
  router.use(reconciliationRoutes(deps));
  router.use(webhookAdminRoutes(deps));
  router.use(offlineGiftRoutes(deps));
  router.use(offlineExportRoutes(deps, now));
  return router;
}

/** /api/admin: every path (even an unknown one) answers 401 without a valid key. */
export function adminApi(services: AdminServices, deps: { logger: Logger; clock?: () => Date }): Router {
  const router = Router();
  router.use(ADMIN_PATH, adminAuth(services.keys));
  router.use(ADMIN_PATH, adminRoutes({ ...services, logger: deps.logger, clock: deps.clock }));
  return router;
}
