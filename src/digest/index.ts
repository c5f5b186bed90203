// The digest domain composed from config. Its pages (the sign-up form, the embeddable box, the
// confirmation and unsubscribe pages) are in src/web (digest-pages, digest-web-routes); staff's
// subscribers.csv is subscriber-export-routes.ts, on the admin pool.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import { senderDomain } from '../email/outbox.ts';
import { linkSecretLoader } from '../manage/link-secret.ts';
import { createDigestRepository } from './digest-repository.ts';
import { createDigestService, type DigestService } from './digest-service.ts';

export function digestServiceFor(deps: { config: Config; db: Pick<Database, 'prisma' | 'admin'>; logger: Logger; clock?: () => Date }): DigestService {
  const { config } = deps;
  return createDigestService({
    repository: createDigestRepository(deps.db.prisma),
    // Read on the staff pool, as the manage links' key is: never inside a transaction that could roll back.
    secret: linkSecretLoader(deps.db.admin.prisma, config.email.manageLinkSecret),
    org: config.org,
    publicUrl: config.publicUrl,
    domain: senderDomain(config.email.from),
    unsubscribeMailto: config.email.digestUnsubscribeMailto,
    emailEnabled: config.email.enabled,
    logger: deps.logger,
    clock: deps.clock,
  });
}
