// createApp(deps): the whole HTTP surface as an Express app that never listens itself, so tests
// drive it through supertest and main.ts decides where it runs.
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { campaignRoutes } from './campaigns/campaign-routes.ts';
import { createCampaignRepository } from './campaigns/campaign-repository.ts';
import { createCampaignService } from './campaigns/campaign-service.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { apiNotFound, errorHandler } from './http/error-handler.ts';
import { healthRoutes } from './http/health-routes.ts';
import { requestLogging } from './http/request-logging.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
  clock?: () => Date;
}

export const JSON_BODY_LIMIT = '16kb';

export function createApp(deps: AppDeps): express.Express {
  const { config, db, logger } = deps;
  const campaigns = createCampaignService({ campaigns: createCampaignRepository(db), clock: deps.clock });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLogging(logger));
  app.use(helmet());
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  app.use(healthRoutes(db.pool));
  app.use(campaignRoutes(campaigns));

  // Pages get their own 404 with the web pages; until then every unknown path is a JSON 404.
  app.use(apiNotFound);
  app.use(errorHandler);
  return app;
}
