// The digest's pages: HTTP only, the rules are in src/digest/digest-service.ts. The sign-up forms
// post to /api/digest/subscriptions, whose form variant lands here to answer with a page; the box
// for article pages answers inside its frame. The confirmation and unsubscribe links open a page
// with a button: mail scanners fetch links (GET) before people do, and must neither confirm nor
// unsubscribe anyone. The unsubscribe POST is also the one-click of RFC 8058 (List-Unsubscribe-Post):
// no cookie, no CSRF token, no same-site check, the signed token is the whole credential.
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { digestTokenParams, SIGNED_UP_MESSAGE, signUpFormSchema } from '../digest/digest-schemas.ts';
import type { ConfirmState, DigestService } from '../digest/digest-service.ts';
import { reportError } from '../http/error-handler.ts';
import { digestLinkPage, digestSignUpPage, type SignUpFormModel } from './digest-pages.ts';
import { allowFraming } from './framing.ts';
import type { Org } from './layout.ts';

export interface DigestWebDeps {
  digest: DigestService;
  embedFrameAncestors: string[];
  org?: Org;
}

const CONFIRM_PAGES: Record<ConfirmState, { title: string; message: string; done?: boolean }> = {
  pending: { title: 'Confirm your subscription', message: 'One more click and the daily digest comes to your inbox.' },
  confirmed: { title: 'You are subscribed', message: 'Thank you: the daily digest will come to your inbox. Every one has a link to unsubscribe.', done: true },
  expired: { title: 'This link has expired', message: 'Confirmation links work for 7 days. Sign up again and we will send a new one.' },
  invalid: { title: 'This link is not valid', message: 'It may be an older link: only the latest confirmation email works. Sign up again and we will send a new one.' },
};
const CONFIRM_STATUS: Record<ConfirmState, number> = { pending: 200, confirmed: 200, expired: 410, invalid: 404 };

const token = (req: Request): string => digestTokenParams.parse(req.params).token;
const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

export function digestWebRoutes(deps: DigestWebDeps): { router: Router; formHandler: RequestHandler; errors: ErrorRequestHandler } {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });
  const show = (res: express.Response, m: SignUpFormModel) => {
    if (m.source === 'widget') allowFraming(res, deps.embedFrameAncestors);
    res.type('html').send(digestSignUpPage({ ...m, org: deps.org }));
  };

  router.get('/digest', (_req, res) => show(res, { source: 'page' }));
  router.get('/embed/digest', (_req, res) => show(res, { source: 'widget' }));

  router.use(['/digest/confirm', '/digest/unsubscribe'], noStore);
  router.get('/digest/confirm/:token', async (req, res) => {
    const state = await deps.digest.confirmState(token(req));
    const p = CONFIRM_PAGES[state];
    const action = state === 'pending' ? { url: req.originalUrl, label: 'Confirm my subscription' } : undefined;
    res.status(CONFIRM_STATUS[state]).type('html').send(digestLinkPage({ ...p, action, org: deps.org }));
  });
  router.post('/digest/confirm/:token', form, async (req, res) => {
    const state = await deps.digest.confirm(token(req), req.ip);
    res.status(CONFIRM_STATUS[state]).type('html').send(digestLinkPage({ ...CONFIRM_PAGES[state], org: deps.org }));
  });

  const notOurs = { title: 'This link is not valid', message: 'Use the unsubscribe link of a digest email, or write to us.' };
  router.get('/digest/unsubscribe/:token', async (req, res) => {
    if (!(await deps.digest.unsubscribeTokenValid(token(req)))) return void res.status(404).type('html').send(digestLinkPage({ ...notOurs, org: deps.org }));
    res.type('html').send(digestLinkPage({
      title: 'Unsubscribe from the daily digest', message: 'Click the button and no more digests come to this address.',
      action: { url: req.originalUrl, label: 'Unsubscribe' }, org: deps.org,
    }));
  });
  router.post('/digest/unsubscribe/:token', form, async (req, res) => {
    const oneClick = (req.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
    if (!(await deps.digest.unsubscribe(token(req), req.ip, oneClick ? 'one_click' : 'page'))) {
      return void res.status(404).type('html').send(digestLinkPage({ ...notOurs, org: deps.org }));
    }
    res.type('html').send(digestLinkPage({
      title: 'You are unsubscribed', message: 'No more digests come to this address. Changed your mind? Sign up again on the daily digest page.', done: true, org: deps.org,
    }));
  });
  const errors = digestPageErrors(deps);
  router.use(['/digest', '/embed/digest'], errors);

  /** POST /api/digest/subscriptions, form-encoded: the same sign-up, answered with a page. */
  const formHandler: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const source = body.source === 'widget' ? 'widget' : 'page';
    const values = { email: typeof body.email === 'string' ? body.email.slice(0, 254) : undefined, name: typeof body.name === 'string' ? body.name.slice(0, 100) : undefined };
    const parsed = signUpFormSchema.safeParse({ ...body, source });
    if (!parsed.success) {
      res.locals.errorCode = 'validation_failed';
      const field = parsed.error.issues[0]?.path[0];
      res.status(400);
      return show(res, { source, values, error: field === 'name' ? `Name ${parsed.error.issues[0]!.message}` : 'Enter a valid email address.' });
    }
    const { website, ...request } = parsed.data;
    // A bot filled the hidden field: the same answer, nothing recorded or sent.
    if (website) req.log.warn({ clientAddress: req.ip }, 'honeypot field filled: digest sign-up dropped');
    else await deps.digest.signUp({ ...request, ip: req.ip });
    show(res, { source, sent: SIGNED_UP_MESSAGE });
  };

  // `errors` also goes right after the API's route (an error skips routers mounted after it), for
  // the sign-up forms' posts: a 429 from the rate limit, a database down.
  return { router, formHandler, errors };
}

/** The digest's pages answer their errors (a database down, too many sign-ups) with a page of the same status. */
function digestPageErrors(deps: Pick<DigestWebDeps, 'org' | 'embedFrameAncestors'>): ErrorRequestHandler {
  return (error, req, res, next) => {
    const formPost = req.method === 'POST' && req.is('application/x-www-form-urlencoded');
    if (res.headersSent || (!formPost && req.method !== 'GET') || req.accepts(['html', 'json']) !== 'html') return next(error);
    const appError = reportError(error, req);
    res.set(appError.headers ?? {}).set('Cache-Control', 'no-store');
    const inFrame = (req.body as Record<string, unknown> | undefined)?.source === 'widget' || req.originalUrl.startsWith('/embed/');
    if (inFrame) allowFraming(res, deps.embedFrameAncestors);
    const title = appError.status === 429 ? 'Too many sign-ups' : appError.status === 404 ? 'Page not found' : 'Please try again';
    res.status(appError.status).type('html').send(digestLinkPage({ title, message: appError.message, org: deps.org }));
  };
}
