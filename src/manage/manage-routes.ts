// /manage: the donor's self-service pages. HTTP only: the rules are in manage-service.ts. The
// link's token is the donor's credential: pages are never cached, posts must come from this site.
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { ValidationFailed } from '../errors.ts';
import { AppError } from '../http/app-error.ts';
import { reportError } from '../http/error-handler.ts';
import { fromThisSite } from '../web/admin-session.ts';
import { managePage, requestLinkPage } from './manage-pages.ts';
import type { ManageAction, ManageService } from './manage-service.ts';

const emailForm = z.object({ email: z.email().max(254) });
const amountForm = z.object({ amount: z.string().trim().min(1).max(32), nonce: z.string().regex(/^[\w-]{8,64}$/) });
const giftParams = z.object({ token: z.string().max(1200), id: z.uuid() });
const NOTICES: Record<string, string> = {
  pause: 'Your monthly gift is paused.',
  resume: 'Your monthly gift will resume.',
  cancel: 'Your monthly gift is cancelled. Thank you for your support.',
  card: 'Your card details were updated.',
};

export function manageRoutes(deps: { manage: ManageService; publicUrl: string; timeZone: string; linkRequestsPerMinute?: number }): Router {
  const router = Router();
  const publicOrigin = new URL(deps.publicUrl).origin;
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });
  const noStore: RequestHandler = (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  const sameSite: RequestHandler = (req, _res, next) =>
    next(fromThisSite(req, publicOrigin) ? undefined : new AppError(403, 'csrf_failed', 'This form did not come from this site.'));
  // Asking for links is for people, not for scripts probing which addresses gave.
  const linkLimit = rateLimit({
    windowMs: 60_000,
    limit: deps.linkRequestsPerMinute ?? 5,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => void res.status(429).type('html').send(requestLinkPage({ status: 'Too many requests. Wait a minute and try again.' })),
  });
  const base = (token: string) => `/manage/${token}`;
  const show = async (req: Request, res: express.Response, extra: { notice?: string; error?: string } = {}) => {
    const token = String(req.params.token);
    const view = await deps.manage.open(token);
    res.type('html').send(managePage({ ...view, ...extra, base: base(token), timeZone: deps.timeZone }));
  };

  router.use('/manage', noStore);
  router.get('/manage', (_req, res) => void res.type('html').send(requestLinkPage()));
  router.post('/manage', form, sameSite, linkLimit, async (req, res) => {
    const parsed = emailForm.safeParse(req.body ?? {});
    if (!parsed.success) return void res.status(400).type('html').send(requestLinkPage({ error: 'Enter the email address you gave with your donation.' }));
    await deps.manage.requestLink(parsed.data.email);
    res.type('html').send(requestLinkPage({ sent: true }));
  });
  router.get('/manage/:token', async (req, res) => {
    const done = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    const amount = typeof req.query.amount === 'string' && /^[^<>]{1,32}$/.test(req.query.amount) ? req.query.amount : undefined;
    await show(req, res, { notice: amount ? `Your monthly gift will be ${amount} from the next one on.` : done });
  });
  router.post('/manage/:token/gifts/:id/amount', form, sameSite, async (req, res) => {
    const { token, id } = giftParams.parse(req.params);
    const body = amountForm.safeParse(req.body ?? {});
    if (!body.success) throw ValidationFailed.field('amount', 'Enter the new monthly amount');
    try {
      const amount = await deps.manage.changeAmount(token, id, body.data.amount, body.data.nonce);
      res.redirect(303, `${base(token)}?${new URLSearchParams({ amount })}`);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      res.status(400);
      await show(req, res, { error: error.details?.[0]?.message ?? error.message });
    }
  });
  for (const action of ['pause', 'resume', 'cancel'] as const satisfies readonly ManageAction[]) {
    router.post(`/manage/:token/gifts/:id/${action}`, form, sameSite, async (req, res) => {
      const { token, id } = giftParams.parse(req.params);
      await deps.manage.act(token, id, action);
      res.redirect(303, `${base(token)}?done=${action}`);
    });
  }
  router.post('/manage/:token/gifts/:id/card', form, sameSite, async (req, res) => {
    const { token, id } = giftParams.parse(req.params);
    res.redirect(303, await deps.manage.portal(token, id));
  });
  router.use('/manage', managePageErrors());
  return router;
}

/** A bad or expired link is the request form with the reason; other errors a page of their own status. */
function managePageErrors(): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent || req.accepts(['html', 'json']) !== 'html') return next(error);
    const appError = reportError(error, req);
    res.set(appError.headers ?? {}).status(appError.status).type('html').send(requestLinkPage({ status: appError.message }));
  };
}
