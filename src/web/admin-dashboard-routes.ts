// /admin: the staff dashboard. HTTP only; figures come from the admin services and the same
// progress reader as the public page. Signed-in state is a signed, HttpOnly, SameSite=Strict
// cookie (see admin-session.ts); every POST also needs the session's CSRF token.
import express, { Router, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { AdminServices } from '../admin/index.ts';
import { csvExportRoutes } from '../admin/admin-routes.ts';
import type { CampaignService } from '../campaigns/campaign-service.ts';
import type { ProgressReader } from '../campaigns/progress-reader.ts';
import { webhookEventListQuery, webhookEventParams } from '../admin/admin-schemas.ts';
import { AppError } from '../http/app-error.ts';
import { parseOrThrow } from '../http/validation.ts';
import { dashboardPage, signInPage } from './admin-dashboard-page.ts';
import { clearSession, csrfOk, issueSession, readSession, type AdminSession } from './admin-session.ts';

declare module 'express-serve-static-core' {
  interface Request {
    dashboardSession?: AdminSession;
  }
}

export interface DashboardDeps {
  admin: AdminServices;
  campaigns: CampaignService;
  progress: ProgressReader;
  publicUrl: string;
  logger: Logger;
  clock?: () => Date;
}

export function adminDashboardRoutes(deps: DashboardDeps): Router {
  const router = Router();
  const now = deps.clock ?? (() => new Date());
  const secure = (req: Request) => req.secure || deps.publicUrl.startsWith('https://');
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

  const signedIn: RequestHandler = async (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const session = await readSession(req, deps.admin.keys, now().getTime());
    if (!session) {
      if (req.method === 'GET' && req.path === '/admin') return void res.status(200).type('html').send(signInPage());
      return next(new AppError(401, 'unauthorized', 'Sign in at /admin first'));
    }
    req.dashboardSession = session;
    next();
  };
  const csrf: RequestHandler = (req, _res, next) => {
    if (!req.dashboardSession || !csrfOk(req, req.dashboardSession)) {
      req.log?.warn({ path: req.path }, 'dashboard request refused: CSRF check failed');
      return next(new AppError(403, 'csrf_failed', 'This form has expired or did not come from the dashboard. Reload and try again.'));
    }
    next();
  };

  // Guessing keys through the sign-in form is as slow as through the API.
  const signInLimit = rateLimit({
    windowMs: 60_000,
    limit: 10,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => void res.status(429).type('html').send(signInPage('Too many attempts. Wait a minute.')),
  });

  router.post('/admin/sign-in', signInLimit, form, async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const key = typeof req.body?.key === 'string' ? req.body.key.trim() : '';
    const principal = key ? await deps.admin.keys.verify(key) : null;
    const secret = principal && (await deps.admin.keys.sessionSecret(principal.keyId));
    if (!principal || !secret) {
      req.log.warn('dashboard sign-in refused');
      return void res.status(401).type('html').send(signInPage('That key is not valid.'));
    }
    issueSession(res, { keyId: principal.keyId, secret: secret.secret }, secure(req), now().getTime());
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
        notice: replayed ? `Replayed ${replayed}: ${typeof req.query.result === 'string' ? req.query.result.slice(0, 100) : 'done'}` : undefined,
      }),
    );
  });

  router.post('/admin/sign-out', signedIn, form, csrf, (req, res) => {
    clearSession(res, secure(req));
    res.redirect(303, '/admin');
  });

  router.post('/admin/webhook-events/:id/replay', signedIn, form, csrf, async (req, res) => {
    const { id } = parseOrThrow(webhookEventParams, req.params);
    const result = await deps.admin.webhookEvents.replay(id);
    req.log.info({ eventId: id, adminKeyId: req.dashboardSession!.keyId }, 'webhook event replayed from the dashboard');
    const query = new URLSearchParams({ replayed: id, result: typeof result === 'string' ? result : JSON.stringify(result).slice(0, 100) });
    res.redirect(303, `/admin?${query}`);
  });

  router.use('/admin', signedIn, csvExportRoutes(deps.admin.exports, deps.logger, now));
  return router;
}
