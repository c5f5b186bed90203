// /admin: the staff dashboard. HTTP only; figures come from the admin services and the same
// progress reader as the public page. Signed-in state is a server-side session (src/admin/
// admin-session-service.ts) named by an HttpOnly, SameSite=Strict cookie; every POST also needs
// the session's CSRF token and must come from this site (admin-session.ts). People get pages,
// errors included; only a client that asks for JSON gets the API's JSON errors.
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { AdminServices } from '../admin/index.ts';
import type { AdminSession } from '../admin/admin-session-service.ts';
import { csvExportRoutes } from '../payments/export-routes.ts';
import { subscriberExportRoutes } from '../digest/subscriber-export-routes.ts';
import type { CampaignService } from '../campaigns/campaign-service.ts';
import type { ProgressReader } from '../campaigns/progress-reader.ts';
import { webhookEventListQuery, webhookEventParams } from '../webhooks/webhook-admin-schemas.ts';
import { AppError } from '../http/app-error.ts';
import { reportError } from '../http/error-handler.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { StaffAttention } from '../payments/staff-attention.ts';
import { dashboardPage, signInPage } from './admin-dashboard-page.ts';
import { clearSessionCookie, csrfOk, fromThisSite, sessionToken, setSessionCookie } from './admin-session.ts';
import { errorPage } from './error-pages.ts';
import type { AdminFrame } from './admin-frame.ts';
import { adminWorkRoutes } from './admin-work-routes.ts';
import { offlineDashboardRoutes } from './offline-gifts-routes.ts';
import { offlineExportRoutes } from '../offline-gifts/offline-gift-routes.ts';
import { matchPoolDashboardRoutes } from './match-pools-routes.ts';
import type { Org } from './layout.ts';
import type { PaymentQueryRepository } from '../payments/payment-query-repository.ts';
import type { RefundService } from '../payments/refund-service.ts';

declare module 'express-serve-static-core' {
  interface Request {
    dashboardSession?: AdminSession & { token: string };
  }
}

export interface DashboardDeps {
  admin: AdminServices;
  campaigns: CampaignService;
  progress: ProgressReader;
  publicUrl: string;
  logger: Logger;
  clock?: () => Date;
  /** Staff's reads of payments and monthly donors, and refunds through Stripe. */
  payments: PaymentQueryRepository;
  refunds: RefundService;
  org?: Org;
  /** The zone the dashboard shows its times in. */
  timeZone: string;
  /** Open disputes and failing monthly gifts (src/payments/staff-attention.ts). */
  attention: StaffAttention;
  /** More tabs (the Emails tab...), mounted under /admin behind the session. */
  sections?: Router[];
}

export function adminDashboardRoutes(deps: DashboardDeps): Router {
  const router = Router();
  const now = deps.clock ?? (() => new Date());
  const publicOrigin = new URL(deps.publicUrl).origin;
  const secure = (req: Request) => req.secure || deps.publicUrl.startsWith('https://');
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  const refuseCrossSite = () =>
    new AppError(403, 'csrf_failed', 'This form has expired or did not come from the dashboard. Reload the dashboard and try again.');

  const signedIn: RequestHandler = async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const token = sessionToken(req);
    const session = await deps.admin.sessions.find(token);
    if (!session) {
      // A cookie naming no live session (signed out, expired, key revoked) is dropped.
      if (token !== undefined) clearSessionCookie(res, secure(req));
      if (req.method === 'GET' && req.path === '/admin') {
        const notice = req.query.signed_out === '1' ? 'You have signed out.' : undefined;
        return void res.status(200).type('html').send(signInPage({ notice, org: deps.org }));
      }
      return next(new AppError(401, 'unauthorized', 'Sign in at /admin first'));
    }
    req.dashboardSession = { ...session, token: token! };
    next();
  };
  const csrf: RequestHandler = (req, _res, next) => {
    if (!req.dashboardSession || !csrfOk(req, req.dashboardSession, publicOrigin)) {
      req.log?.warn({ path: req.path, secFetchSite: req.get('Sec-Fetch-Site'), origin: req.get('Origin') }, 'dashboard request refused: CSRF check failed');
      return next(refuseCrossSite());
    }
    next();
  };

  // Guessing keys through the sign-in form is as slow as through the API.
  const signInLimit = rateLimit({
    windowMs: 60_000,
    limit: 10,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => void res.status(429).type('html').send(signInPage({ error: 'Too many attempts. Wait a minute.' })),
  });

  router.post('/admin/sign-in', signInLimit, form, async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    // Another site must not sign a browser in under its own key (login CSRF).
    if (!fromThisSite(req, publicOrigin)) return next(refuseCrossSite());
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const principal = key ? await deps.admin.keys.verify(key) : null;
    if (!principal) {
      req.log.warn('dashboard sign-in refused');
      return void res.status(401).type('html').send(signInPage({ error: 'That key is not valid.' }));
    }
    const { token } = await deps.admin.sessions.start(principal.keyId);
    setSessionCookie(res, token, secure(req));
    req.log.info({ adminKeyId: principal.keyId }, 'dashboard sign-in');
    res.redirect(303, '/admin');
  });

  router.get('/admin', signedIn, async (req, res) => {
    const session = req.dashboardSession!;
    const at = now();
    const campaigns = await deps.campaigns.all();
    const cards = await Promise.all(
      campaigns.map(async (campaign) => ({
        campaign,
        progress: (await deps.progress.get(campaign.slug)).progress,
        series: await deps.admin.dashboard.dailySeries(campaign, at),
      })),
    );
    const failed = await deps.admin.webhookEvents.list(webhookEventListQuery.parse({ status: 'failed', limit: 20 }));
    const replayed = typeof req.query.replayed === 'string' ? req.query.replayed.slice(0, 100) : undefined;
    res.type('html').send(
      dashboardPage({
        label: session.label,
        csrf: session.csrf,
        campaigns: cards,
        payments: await deps.admin.dashboard.recentPayments(),
        failedEvents: failed.data,
        org: deps.org,
        timeZone: deps.timeZone,
        notice: replayed ? `Replayed ${replayed}: ${typeof req.query.result === 'string' ? req.query.result.slice(0, 200) : 'done'}` : undefined,
      }),
    );
  });

  router.post('/admin/sign-out', signedIn, form, csrf, async (req, res) => {
    // Server-side: every copy of this cookie stops working, not only the browser's own.
    await deps.admin.sessions.end(req.dashboardSession!.token);
    clearSessionCookie(res, secure(req));
    req.log.info({ adminKeyId: req.dashboardSession!.keyId }, 'dashboard sign-out');
    res.redirect(303, '/admin?signed_out=1');
  });

  router.post('/admin/webhook-events/:id/replay', signedIn, form, csrf, async (req, res) => {
    const { id } = parseOrThrow(webhookEventParams, req.params);
    const result = await deps.admin.webhookEvents.replay(id);
    req.log.info({ eventId: id, adminKeyId: req.dashboardSession!.keyId }, 'webhook event replayed from the dashboard');
    res.redirect(303, `/admin?${new URLSearchParams({ replayed: id, result: describeReplay(result) })}`);
  });

  router.use(adminWorkRoutes({
    payments: deps.payments, refunds: deps.refunds, campaigns: deps.admin.campaigns, campaignReads: deps.campaigns,
    attention: deps.attention, org: deps.org, timeZone: deps.timeZone, signedIn, csrf,
  }));
  router.use(matchPoolDashboardRoutes({
    pools: deps.admin.matchPools, campaigns: deps.campaigns, timeZone: deps.timeZone, signedIn, csrf,
    frame: (req, notice) => ({ label: req.dashboardSession!.label, csrf: req.dashboardSession!.csrf, org: deps.org, notice }),
  }));
  router.use('/admin', signedIn, csvExportRoutes(deps.admin.exports, deps.logger, now));
  router.use(offlineDashboardRoutes({
    offlineGifts: deps.admin.offlineGifts, campaigns: deps.campaigns, org: deps.org, timeZone: deps.timeZone, signedIn, csrf, clock: deps.clock,
  }));
  router.use('/admin', signedIn, offlineExportRoutes(deps.admin, now));
  router.use('/admin', signedIn, subscriberExportRoutes({ exports: deps.admin.exports, subscribers: deps.admin.subscribers, logger: deps.logger, now }));
  // Other domains' tabs draw themselves inside the shared frame: they find it in res.locals.
  const withFrame: RequestHandler = (req, res, next) => {
    res.locals.adminFrame = { label: req.dashboardSession!.label, csrf: req.dashboardSession!.csrf, org: deps.org } satisfies AdminFrame;
    next();
  };
  for (const section of deps.sections ?? []) router.use('/admin', signedIn, withFrame, section);
  router.use('/admin', dashboardErrors());
  return router;
}

/** "processed", "ignored: no handler", "failed: ..." for the notice above the dashboard. */
function describeReplay(result: { status: string; [key: string]: unknown }): string {
  const detail = [result.reason, result.error, result.waitingFor].find((v): v is string => typeof v === 'string');
  return (detail ? `${result.status}: ${detail}` : result.status).slice(0, 200);
}

/**
 * The dashboard's errors, for a person: a lost session is the sign-in page, anything else a page
 * with the reason and the way back. A client asking for JSON (a script with the cookie) gets JSON.
 */
function dashboardErrors(): ErrorRequestHandler {
  return (error, req, res, next) => {
    const person = !!req.is('application/x-www-form-urlencoded') || req.accepts(['json', 'html']) === 'html';
    if (res.headersSent || !person) return next(error);
    const appError = reportError(error, req);
    res.set(appError.headers ?? {}).set('Cache-Control', 'no-store');
    if (appError.status === 401) {
      // No cookie at all is not an ended session: a cross-site post arrives without it (SameSite).
      const error = sessionToken(req) === undefined ? 'Sign in to continue.' : 'Your session has ended. Sign in again.';
      return void res.status(401).type('html').send(signInPage({ error }));
    }
    res.status(appError.status).type('html').send(
      errorPage({
        status: appError.status,
        title: appError.status === 403 ? 'This form has expired' : 'That did not work',
        message: appError.message,
        back: { href: '/admin', label: 'Back to the dashboard' },
      }),
    );
  };
}
