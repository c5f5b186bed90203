// The manage domain composed from config; its donor pages are src/web/manage-routes.ts. Staff see
// monthly donors on the dashboard's Monthly donors page (src/web/admin-work-pages.ts).
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { senderDomain } from '../email/outbox.ts';
import type { ManageLinks } from './manage-links.ts';
import { createManageRepository } from './manage-repository.ts';
import { createManageService, type ManageService } from './manage-service.ts';
import type { SubscriptionGateway } from './subscription-gateway.ts';

export function manageServiceFor(deps: { config: Config; db: Pick<Database, 'prisma'>; subscriptions: SubscriptionGateway; links: ManageLinks; clock?: () => Date }): ManageService {
  const { config } = deps;
  return createManageService({
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
}
