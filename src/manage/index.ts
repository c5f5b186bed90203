// The manage domain composed from config: the donor's pages. Staff see monthly donors on the
// dashboard's Monthly donors page (src/web/admin-work-pages.ts).
import type { Router } from 'express';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { senderDomain } from '../email/outbox.ts';
import type { ManageLinks } from './manage-links.ts';
import { createManageRepository } from './manage-repository.ts';
import { manageRoutes } from './manage-routes.ts';
import { createManageService } from './manage-service.ts';
import type { SubscriptionGateway } from './subscription-gateway.ts';

export function donorManageRoutes(deps: { config: Config; db: Pick<Database, 'prisma'>; subscriptions: SubscriptionGateway; links: ManageLinks; clock?: () => Date }): Router {
  const { config } = deps;
  const manage = createManageService({
    repository: createManageRepository(deps.db.prisma),
    client: deps.db.prisma,
    links: deps.links,
    gateway: deps.subscriptions,
    org: config.org,
    domain: senderDomain(config.email.from),
    publicUrl: config.publicUrl,
    feeModel: config.donations.coverFee,
    maxAmountMajor: config.donations.maxAmountMajor,
    emailEnabled: config.email.enabled,
    clock: deps.clock,
  });
  return manageRoutes({ manage, publicUrl: config.publicUrl, timeZone: config.org.timeZone });
}
