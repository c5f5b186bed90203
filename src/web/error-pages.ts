// Errors as pages, for people in a browser: a donor whose form post is refused, or whose page
// cannot be built, gets HTML saying what happened and what to do next, with the status and
// Retry-After a program would read. The JSON API keeps its JSON errors (src/http/error-handler.ts).
import type { ErrorRequestHandler, Request } from 'express';
import { slugParams } from '../campaigns/campaign-schemas.ts';
import type { AppError } from '../http/app-error.ts';
import { reportError } from '../http/error-handler.ts';
import { html, type SafeHtml } from './html.ts';
import { page, type Org } from './layout.ts';

export interface ErrorPageOptions {
  status: number;
  title: string;
  message: SafeHtml | string;
  /** Where the one button leads, and what it says. */
  back: { href: string; label: string };
  org?: Org;
}

export function errorPage(o: ErrorPageOptions): string {
  return page({
    org: o.org,
    title: o.title,
    body: html`<h1 data-status="${o.status}">${o.title}</h1>
<p>${o.message}</p>
<p><a class="button" href="${o.back.href}">${o.back.label}</a></p>`,
  });
}

/** "about 40 seconds", "a minute": how long Retry-After asks a person to wait. */
export function waitText(retryAfter: string | undefined): string {
  const seconds = Number(retryAfter);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 50) return 'a minute';
  return seconds <= 5 ? 'a few seconds' : `about ${Math.ceil(seconds / 5) * 5} seconds`;
}

const NOTHING_TAKEN = 'Nothing was charged.';
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);

/** What a donor is told when a form post or a page fails, by status. */
function explain(error: AppError, forDonation: boolean): Pick<ErrorPageOptions, 'title' | 'message'> {
  const wait = waitText(error.headers?.['Retry-After']);
  const charged = forDonation ? ` ${NOTHING_TAKEN}` : '';
  switch (error.status) {
    case 429:
      return {
        title: 'Too many attempts',
        message: `Too many donation attempts reached us in a short time (from your connection, or from many at once), so we paused them to protect donors’ cards.${charged} Please wait ${wait} and try again.`,
      };
    case 503:
      return {
        title: 'Please try again in a minute',
        // Retry-After is the client's pacing (seconds); a person is told the outage's scale.
        message: `We cannot reach our records right now, so we could not ${forDonation ? 'take your donation' : 'show this page'}.${charged} Please try again in a minute${forDonation ? '; your browser’s Back button keeps what you typed' : ''}.`,
      };
    case 413:
      return { title: 'That form was too long', message: `Please shorten your message or dedication and send it again.${charged}` };
    case 404:
      return { title: 'Page not found', message: 'There is nothing at this address.' };
    default:
      if (error.status >= 500) {
        return { title: 'Something went wrong on our side', message: `We have been told about it.${charged} Please try again in a few minutes.` };
      }
      if (error.details?.some((d) => d.field === 'campaign')) {
        return { title: 'We could not find that campaign', message: `This form is for a campaign we do not know.${charged} Please start again from the donation page.` };
      }
      return { title: 'We could not read that form', message: `${sentence(error.details?.[0]?.message ?? error.message)}${charged}` };
  }
}

/** Where "back" goes: the campaign the form was for, when it names a well-formed one. */
function backTo(req: Request): ErrorPageOptions['back'] {
  const slug = typeof req.body?.campaign === 'string' ? req.body.campaign : '';
  const campaignPath = slugParams.safeParse({ slug }).success ? `/campaigns/${slug}` : null;
  if (req.method === 'POST') return { href: campaignPath ?? '/', label: 'Back to the donation form' };
  return { href: req.originalUrl, label: 'Try again' };
}

const PAGE_PATH = /^\/(?:$|campaigns\/|embed\/|donate\/)/;

/**
 * The donation form's post and the public pages: the requests a person's browser makes. A client
 * that says it takes JSON and not HTML (Accept) still gets the API's JSON error.
 */
export function isBrowserRequest(req: Request): boolean {
  const browserShaped =
    req.path === '/api/pledges'
      ? req.method === 'POST' && !!req.is('application/x-www-form-urlencoded')
      : (req.method === 'GET' || req.method === 'HEAD') && PAGE_PATH.test(req.path);
  return browserShaped && req.accepts(['html', 'json']) === 'html';
}

/** Error middleware answering browser requests with a page; everything else goes on to JSON. */
export const htmlErrorPages = (org?: Org): ErrorRequestHandler => (error, req, res, next) => {
  if (res.headersSent || !isBrowserRequest(req)) return next(error);
  const appError = reportError(error, req);
  res.set(appError.headers ?? {});
  res.set('Cache-Control', 'no-store');
  // As the JSON handler does: whoever counts outcomes once it is sent (pledge refusals in /metrics).
  res.locals.errorCode = appError.code;
  res.status(appError.status).type('html').send(errorPage({ status: appError.status, ...explain(appError, req.method === 'POST'), back: backTo(req), org }));
};
