// createApp(deps): the whole HTTP surface as an Express app that never listens itself, so tests
// drive it through supertest and main.ts decides where it runs.
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { campaignRoutes } from './campaigns/campaign-routes.ts';
import { createCampaignRepository } from './campaigns/campaign-repository.ts';
import { createCampaignService } from './campaigns/campaign-service.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { apiNotFound, errorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { pledgeRateLimits } from './http/rate-limits.ts';
import { requestLogging } from './http/request-logging.ts';
import { createPledgeRepository } from './pledges/pledge-repository.ts';
import { pledgeRoutes } from './pledges/pledge-routes.ts';
import { createPledgeService } from './pledges/pledge-service.ts';
import { createCheckoutGateway } from './stripe/checkout-gateway.ts';
import { webRoutes } from './web/web-routes.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  stripe: Stripe;
  logger: Logger;
  /** Where Checkout pages live (Stripe, or the emulator): forms may redirect there. */
  checkoutOrigin: string;
  clock?: () => Date;
}

export const JSON_BODY_LIMIT = '16kb';
export const FORM_BODY_LIMIT = '16kb';

export function createApp(deps: AppDeps): express.Express {
  const { config, db, logger } = deps;
  const campaignRepository = createCampaignRepository(db);
  const campaigns = createCampaignService({ campaigns: campaignRepository, clock: deps.clock });
  const pledges = createPledgeService({
    pledges: createPledgeRepository(db),
    campaigns: campaignRepository,
    checkout: createCheckoutGateway(deps.stripe),
    logger,
    publicUrl: config.publicUrl,
    maxAmountMajor: config.donations.maxAmountMajor,
    feeModel: config.donations.coverFee,
    checkoutExpiryMinutes: config.donations.checkoutExpiryMinutes,
    clock: deps.clock,
  });
  const web = webRoutes({ campaigns, pledges, logger });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogging(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The donation form answers with a 303 to Checkout; browsers hold redirects after a
          // form post to form-action too.
          'form-action': ["'self'", deps.checkoutOrigin],
        },
      },
    }),
  );
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(express.urlencoded({ extended: true, limit: FORM_BODY_LIMIT, parameterLimit: 50 }));

  app.use(healthRoutes(db.pool));
  app.use(campaignRoutes(campaigns));
  app.use(
    pledgeRoutes({
      pledges,
      rateLimits: pledgeRateLimits(
        {
          perClientPerMinute: config.rateLimits.pledgesPerMinutePerClient,
          globalPerMinute: config.rateLimits.pledgesPerMinuteGlobal,
        },
        logger,
      ),
      formHandler: web.formHandler,
    }),
  );
  app.use(web.router);

  app.use(web.notFound);
  app.use(apiNotFound);
  app.use(errorHandler);
  return app;
}
