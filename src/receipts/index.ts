// The receipts the ledger writes, composed from config: the app and `npm run reconcile` use the
// same, so a payment recovered by reconcile gets its receipt too (once).
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { senderDomain } from '../email/outbox.ts';
import { createManageLinks, type ManageLinks } from '../manage/manage-links.ts';
import type { NoticesFactory } from '../webhooks/inbox-transaction.ts';
import type { OfflineGiftEffectsFactory } from '../offline-gifts/offline-gift.ts';
import { offlineGiftNotices, receiptNotices } from './receipt-notices.ts';
import { statementRoutes } from './statement-routes.ts';
import { createStatementService } from './statement-service.ts';

export function manageLinksFor(config: Config, db: Pick<Database, 'admin'>, clock?: () => Date): ManageLinks {
  // The key is read once, from inside webhook transactions that may hold every connection of the
  // main pool: it is read on the staff pool, and never in a transaction that could roll back.
  return createManageLinks({ client: db.admin.prisma, configuredSecret: config.email.manageLinkSecret, publicUrl: config.publicUrl, clock });
}

/** undefined with RECEIPTS=off: the ledger then queues nothing. */
export function noticesFor(config: Config, links: ManageLinks, logger: Logger, clock?: () => Date): NoticesFactory | undefined {
  if (!config.email.enabled) return undefined;
  return receiptNotices({ org: config.org, domain: senderDomain(config.email.from), links, logger, clock });
}

/** An offline gift's receipt and correction; undefined with RECEIPTS=off. */
export function offlineNoticesFor(config: Config, logger: Logger): OfflineGiftEffectsFactory | undefined {
  if (!config.email.enabled) return undefined;
  return offlineGiftNotices({ org: config.org, domain: senderDomain(config.email.from), logger });
}

/** The statements' printable pages, on the staff pool (the Emails tab is src/web/emails-routes.ts). */
export function staffMailSections(config: Config, db: Pick<Database, 'admin'>): Router[] {
  return [
    statementRoutes(createStatementService({ client: db.admin.prisma, org: config.org, domain: senderDomain(config.email.from) })),
  ];
}
