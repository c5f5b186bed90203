// createApp(deps): the whole HTTP surface as an Express app that never listens itself, so tests
// drive it through supertest and main.ts decides where it runs.
import express, { type Request, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import { adminApi } from './admin/admin-routes.ts';
import { createAdminServices } from './admin/index.ts';
import { cachedProgress, campaignRoutes } from './campaigns/campaign-routes.ts';
import { createCampaignRepository } from './campaigns/campaign-repository.ts';
import { createCampaignService } from './campaigns/campaign-service.ts';
import type { ProgressHub } from './campaigns/progress-hub.ts';
import { createProgressReader } from './campaigns/progress-reader.ts';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { adminAuth } from './http/admin-auth.ts';
import { apiNotFound, errorHandler } from './http/error-handler.ts';
import { requireUtf8, requireWellFormedForm } from './http/body-encoding.ts';
import { healthRoutes } from './http/health-routes.ts';
import { capacityWith } from './http/capacity.ts';
import { createCheckoutBudget } from './http/checkout-budget.ts';
import { createCheckoutGate } from './http/checkout-gate.ts';
import { createCheckoutLane } from './http/checkout-lane.ts';
import { digestSignUpRateLimits, pledgeRateLimits } from './http/rate-limits.ts';
import { requestLog } from './http/request-logging.ts';
import { requestMeasure } from './http/request-metrics.ts';
import { precomputeHeaders } from './http/static-headers.ts';
import { createStreamSlots } from './http/stream-slots.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { metricsRoutes } from './metrics/metrics-routes.ts';
import { openApiRoutes } from './openapi/openapi-routes.ts';
import { createFeeFiller, type FeeFiller } from './payments/fee-filler.ts';
import { createPaymentRepository } from './payments/payment-repository.ts';
import { createPaymentQueryRepository } from './payments/payment-query-repository.ts';
import { createRefundService } from './payments/refund-service.ts';
import { createPledgeRepository } from './pledges/pledge-repository.ts';
import { countPledgeRefusals, PLEDGES_PATH, pledgeRoutes } from './pledges/pledge-routes.ts';
import { createPledgeService } from './pledges/pledge-service.ts';
import { manageServiceFor } from './manage/index.ts';
import { matchProgressFor } from './matching/index.ts';
import { digestServiceFor } from './digest/index.ts';
import { DIGEST_SUBSCRIPTIONS_PATH, digestRoutes } from './digest/digest-routes.ts';
import { digestWebRoutes } from './web/digest-web-routes.ts';
import { createOutboxRepository } from './email/outbox-repository.ts';
import { emailsRoutes } from './web/emails-routes.ts';
import { manageRoutes } from './web/manage-routes.ts';
import { manageLinksFor, noticesFor, offlineNoticesFor, staffMailSections } from './receipts/index.ts';
import { allEffects } from './offline-gifts/offline-gift.ts';
import { offlineGiftMatches } from './offline-gifts/offline-gift-matches.ts';
import { createStripeGateways } from './stripe/stripe-gateways.ts';
import { scopeFor } from './webhooks/event-scope.ts';
import { createLedger } from './webhooks/ledger.ts';
import { webhookRoutes } from './webhooks/webhook-routes.ts';
import { adminDashboardRoutes } from './web/admin-dashboard-routes.ts';
import { createStaffAttention } from './payments/staff-attention.ts';
import { htmlErrorPages } from './web/error-pages.ts';
import { webRoutes } from './web/web-routes.ts';
import { skipsAppFormParser } from './web/offline-gifts-routes.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  stripe: Stripe;
  logger: Logger;
  /** Where Checkout pages live (Stripe, or the emulator): forms may redirect there. */
  checkoutOrigin: string;
  /** whsec_... that Stripe (or the emulator) signs webhook deliveries with. */
  webhookSecret: string;
  /** Reads fees after payments are committed; tests pass one to wait for it. */
  fees?: FeeFiller;
  /** Live progress fan-out (LISTEN/NOTIFY); without it, streams poll the cached totals. */
  progressHub?: ProgressHub;
  /** Prometheus metrics: main.ts makes the registry, tests make their own; without one, the app keeps its own. */
  metrics?: Metrics;
  clock?: () => Date;
  /** Overrides of the capacity limits (src/http/capacity.ts), for tests. */
  capacity?: Parameters<typeof capacityWith>[0];
}

export const JSON_BODY_LIMIT = '16kb';
export const FORM_BODY_LIMIT = '16kb';

export function createApp(deps: AppDeps): express.Express {
  const { config, db, logger } = deps;
  const capacity = capacityWith(deps.capacity);
  const metrics = deps.metrics ?? createMetrics();
  metrics.watchPool('main', db.pool);
  metrics.watchPool('admin', db.admin.pool);
  // The Stripe client goes no further than here: everything else gets the ports it needs.
  const gateways = createStripeGateways(deps.stripe, deps.webhookSecret);
  const campaignRepository = createCampaignRepository(db);
  const campaigns = createCampaignService({ campaigns: campaignRepository, matches: matchProgressFor(db), clock: deps.clock });
  const digest = digestServiceFor({ config, db, logger, clock: deps.clock });
  const pledges = createPledgeService({
    pledges: createPledgeRepository(db),
    campaigns: campaignRepository,
    checkout: gateways.checkout,
    gate: createCheckoutGate({
      budget: createCheckoutBudget({ perMinute: config.rateLimits.pledgesPerMinuteGlobal }),
      lane: createCheckoutLane(capacity.checkout),
      logger,
    }),
    logger,
    publicUrl: config.publicUrl,
    maxAmountMajor: config.donations.maxAmountMajor,
    feeModel: config.donations.coverFee,
    checkoutExpiryMinutes: config.donations.checkoutExpiryMinutes,
    clock: deps.clock,
    metrics,
    digest,
  });
  const progress = createProgressReader({ load: (slug) => campaigns.progressWithId(slug), hub: deps.progressHub });
  const web = webRoutes({
    campaigns, pledges, progress, logger, publicUrl: config.publicUrl, embedFrameAncestors: config.embedFrameAncestors, org: config.org,
    receiptsByEmail: config.email.enabled,
  });
  const fees =
    deps.fees ?? createFeeFiller({ gateway: gateways.ledger, store: createPaymentRepository(db.prisma), logger });
  const manageLinks = manageLinksFor(config, db, deps.clock);
  const ledger = createLedger({
    db, gateway: gateways.ledger, logger, fees, metrics, scope: scopeFor(config.stripe), clock: deps.clock,
    notices: noticesFor(config, manageLinks, logger, deps.clock),
  });
  metrics.watchWebhookBacklog(() => ledger.events.oldestWaiting());

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Every request's id (returned as X-Request-Id), its log line and its metrics.
  const logRequest = requestLog(logger);
  const measureRequest = requestMeasure(metrics);
  const beginRequest = (req: Request, res: Response, route?: string) => {
    measureRequest(req, res, route);
    return logRequest(req, res);
  };
  // helmet's headers never depend on the request here: computed once, set from a list.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        // The donation form answers with a 303 to Checkout; browsers hold redirects after a
        // form post to form-action too.
        // ... and the manage page's card button to Stripe's customer portal.
        'form-action': ["'self'", deps.checkoutOrigin, 'https://billing.stripe.com'],
        // The organisation's logo and a campaign's image may live on the organisation's site.
        'img-src': ["'self'", 'data:', 'https:'],
      },
    },
    // Nothing about a donor's page leaks to other sites, yet a browser still tells us the
    // origin of our own form posts (no-referrer made it send `Origin: null`, see admin-session.ts).
    referrerPolicy: { policy: 'same-origin' },
  });
  const staticHeaders = precomputeHeaders(securityHeaders);
  // The public progress poll, the busiest read, answered from the cache when it holds the
  // campaign (else it goes on to campaignRoutes below), first: it begins the request itself and
  // writes every header in one writeHead.
  app.use(cachedProgress(progress, { begin: beginRequest, headers: staticHeaders.headers }));
  app.use((req, res, next) => {
    res.setHeader('X-Request-Id', beginRequest(req, res));
    next();
  });
  app.use(staticHeaders.handler);
  // Before the body parsers, so that an oversized or malformed donation is counted as refused too.
  app.post(PLEDGES_PATH, countPledgeRefusals(metrics));
  // Before the JSON parser: the webhook signature is over the raw bytes.
  app.use(webhookRoutes({ inbox: ledger.inbox, verifier: gateways.webhooks, metrics }));
  app.use(express.json({ limit: JSON_BODY_LIMIT, verify: requireUtf8 }));
  const forms = express.urlencoded({ extended: true, limit: FORM_BODY_LIMIT, parameterLimit: 50, verify: requireWellFormedForm });
  // A deposit's CSV is larger than any form: its dashboard route parses it, once signed in.
  app.use((req, res, next) => (skipsAppFormParser(req.path) ? next() : forms(req, res, next)));

  // Hot public reads first: a progress poll should not walk past the admin routers.
  app.use(healthRoutes(db.pool));
  app.use(campaignRoutes({ campaigns, progress, hub: deps.progressHub, metrics, streams: createStreamSlots(capacity.streams) }));
  app.use(openApiRoutes({ serverUrl: config.publicUrl }));
  // Every /api/admin path (even an unknown one) answers 401 without a valid key.
  const admin = createAdminServices({
    db, reconciliation: gateways.reconciliation, logger, clock: deps.clock, metrics, exports: capacity.exports,
    webhooks: ledger.operations,
    // An offline gift's receipt, then its match (last: it locks the campaign's pools).
    offlineGiftEffects: allEffects(offlineNoticesFor(config, logger), offlineGiftMatches),
  });
  app.use(adminApi(admin, { logger, clock: deps.clock }));
  app.use(metricsRoutes(metrics, adminAuth(admin.keys)));
  const staffPayments = createPaymentQueryRepository(db.admin.pool);
  app.use(adminDashboardRoutes({
    admin, campaigns, progress, publicUrl: config.publicUrl, logger, clock: deps.clock, org: config.org, timeZone: config.org.timeZone,
    payments: staffPayments, attention: createStaffAttention(db.admin),
    refunds: createRefundService({ payments: staffPayments, gateway: gateways.refunds }),
    sections: [emailsRoutes({ outbox: createOutboxRepository(db.admin.prisma), catcher: !config.email.smtpUrl }), ...staffMailSections(config, db)],
  }));
  app.use(
    pledgeRoutes({
      pledges,
      rateLimits: pledgeRateLimits({ perClientPerMinute: config.rateLimits.pledgesPerMinutePerClient }, logger),
      formHandler: web.formHandler,
    }),
  );
  const manage = manageServiceFor({ config, db, subscriptions: gateways.subscriptions, links: manageLinks, clock: deps.clock });
  app.use(manageRoutes({ manage, publicUrl: config.publicUrl, timeZone: config.org.timeZone }));
  const digestWeb = digestWebRoutes({ digest, embedFrameAncestors: config.embedFrameAncestors, org: config.org });
  app.use(digestRoutes({
    digest,
    rateLimits: digestSignUpRateLimits({
      perClientPerMinute: config.rateLimits.digestSignUpsPerMinutePerClient,
      globalPerMinute: config.rateLimits.digestSignUpsPerMinuteGlobal,
    }, logger),
    capacity: capacity.digestSignUps,
    formHandler: digestWeb.formHandler,
  }));
  app.use(DIGEST_SUBSCRIPTIONS_PATH, digestWeb.errors);
  app.use(digestWeb.router);
  app.use(web.router);

  app.use(web.notFound);
  app.use(apiNotFound);
  app.use(htmlErrorPages(config.org));
  app.use(errorHandler);
  return app;
}
