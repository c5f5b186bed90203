// The pages: HTTP only. The donation form posts to /api/pledges like the API does; the form
// variant lands here to answer in HTML (303 to Checkout, or the form again with its errors).
import { randomBytes } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Campaign } from '../campaigns/campaign.ts';
import type { CampaignService } from '../campaigns/campaign-service.ts';
import type { ProgressReader } from '../campaigns/progress-reader.ts';
import { slugParams } from '../campaigns/campaign-schemas.ts';
import { issuesToDetails, ValidationFailed } from '../errors.ts';
import { isDatabaseUnavailable, toAppError } from '../http/error-handler.ts';
import { formatMinor, parseMajorAmount } from '../money/currency.ts';
import { pledgeFormFieldsSchema } from '../pledges/pledge-schemas.ts';
import type { PledgeService } from '../pledges/pledge-service.ts';
import { PROJECT_ROOT } from '../project-root.ts';
import { campaignWindow, donationPage, supportersList, type FormValues } from './donation-page.ts';
import { clearDraft, readDraft, saveDraft } from './donation-draft.ts';
import type { Org } from './layout.ts';
import { cancelledPage, notFoundPage, thanksPage, type ThanksModel } from './status-pages.ts';
import { allowFraming } from './framing.ts';
import { widgetPage } from './widget-page.ts';

export interface WebDeps {
  publicUrl: string;
  /** CSP frame-ancestors for the widget. */
  embedFrameAncestors: string[];
  campaigns: CampaignService;
  progress: ProgressReader;
  pledges: PledgeService;
  logger: Logger;
  /** The organisation in every page's header and footer. */
  org?: Org;
  /** RECEIPTS=on: the thank-you page may promise a receipt by email. */
  receiptsByEmail: boolean;
}

const formToken = () => randomBytes(18).toString('base64url');

// The thank-you page's reloads without JavaScript: about two minutes in all, then it stops and
// says what is left to do (thanks.js polls on the same schedule).
export const THANKS_REFRESH_SECONDS = [2, 2, 3, 3, 5, 5, 10, 10, 15, 15, 30, 30];

export function webRoutes(deps: WebDeps): { router: Router; formHandler: RequestHandler; notFound: RequestHandler } {
  const router = Router();
  const secure = (req: express.Request) => req.secure || deps.publicUrl.startsWith('https://');
  router.use('/assets', express.static(path.join(PROJECT_ROOT, 'public/assets'), { maxAge: '1h', fallthrough: false }));

  async function renderDonation(
    campaign: Campaign,
    extra: { values?: FormValues; errors?: Record<string, string>; notice?: string } = {},
  ): Promise<string> {
    return donationPage({
      campaign,
      progress: (await deps.progress.get(campaign.slug)).progress,
      window: campaignWindow(campaign, deps.campaigns.now()),
      org: deps.org,
      formToken: formToken(),
      limits: deps.pledges.limitsFor(campaign.currency),
      supporters: await deps.pledges.recentSupporters(campaign.id),
      ...extra,
    });
  }

  router.get('/', async (_req, res) => {
    const campaign = await deps.campaigns.current();
    if (!campaign) return void res.status(404).type('html').send(notFoundPage(deps.org));
    res.type('html').send(await renderDonation(campaign));
  });

  /** The campaign a page is for, or null after answering the page's own HTML 404. */
  async function campaignForPage(params: unknown, res: express.Response): Promise<Campaign | null> {
    const parsed = slugParams.safeParse(params);
    const campaign = parsed.success ? await deps.campaigns.find(parsed.data.slug) : null;
    if (!campaign) res.status(404).type('html').send(notFoundPage(deps.org));
    return campaign;
  }

  router.get('/campaigns/:slug', async (req, res) => {
    const campaign = await campaignForPage(req.params, res);
    if (!campaign) return;
    // Back from a cancelled Checkout: the donor's own answers, from their own browser's cookie.
    const draft = req.query.resume === '1' ? readDraft(req) : {};
    res.type('html').send(await renderDonation(campaign, { values: { ...draft, ...prefill(req.query, campaign.currency) } }));
  });

  // The supporters list alone, for progress.js to put in place when a new gift lands.
  router.get('/campaigns/:slug/supporters', async (req, res) => {
    const campaign = await campaignForPage(req.params, res);
    if (!campaign) return;
    res.set('Cache-Control', 'no-cache').type('html').send(supportersList(await deps.pledges.recentSupporters(campaign.id), campaign.slug).value);
  });

  router.get('/embed/campaigns/:slug', async (req, res) => {
    const campaign = await campaignForPage(req.params, res);
    if (!campaign) return;
    const { progress } = await deps.progress.get(campaign.slug);
    // Framed by other sites on purpose.
    allowFraming(res, deps.embedFrameAncestors);
    res.type('html').send(
      widgetPage({ title: campaign.title, progress, window: campaignWindow(campaign, deps.campaigns.now()), org: deps.org, donateUrl: `${deps.publicUrl}/campaigns/${campaign.slug}` }),
    );
  });

  router.get('/donate/thanks', async (req, res) => {
    const sessionId = typeof req.query.session_id === 'string' ? req.query.session_id : '';
    const known = /^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId);
    const status = known ? await deps.pledges.donationState(sessionId) : { state: 'unknown' as const };
    const model: ThanksModel = { ...status, receiptsByEmail: deps.receiptsByEmail };
    if (known && status.state === 'pending') {
      // Without JavaScript the page reloads itself, less often as time goes on, then stops.
      const asked = typeof req.query.check === 'string' && /^\d{1,2}$/.test(req.query.check) ? Number(req.query.check) : 0;
      const check = Math.min(asked, THANKS_REFRESH_SECONDS.length);
      const at = (n: number) => `/donate/thanks?${new URLSearchParams({ session_id: sessionId, ...(n ? { check: String(n) } : {}) })}`;
      model.pollSeconds = THANKS_REFRESH_SECONDS;
      if (check < THANKS_REFRESH_SECONDS.length) model.autoRefresh = { url: at(check + 1), afterSeconds: THANKS_REFRESH_SECONDS[check]! };
      else Object.assign(model, { stillWaiting: true, checkAgainUrl: at(0) });
    }
    if (status.state !== 'unknown' && status.state !== 'pending') clearDraft(res, secure(req));
    res.set('Cache-Control', 'no-store').type('html').send(thanksPage({ ...model, org: deps.org }));
  });

  router.get('/donate/cancelled', (req, res) => {
    const q = req.query;
    const slug = typeof q.campaign === 'string' && slugParams.safeParse({ slug: q.campaign }).success ? q.campaign : null;
    const back = new URL(slug ? `/campaigns/${slug}` : '/', 'http://x');
    if (typeof q.amount === 'string' && /^\d{1,9}$/.test(q.amount)) back.searchParams.set('amount', q.amount);
    if (q.frequency === 'monthly' || q.frequency === 'once') back.searchParams.set('frequency', q.frequency);
    back.searchParams.set('resume', '1');
    res.type('html').send(cancelledPage(`${back.pathname}${back.search}`, deps.org));
  });

  const formHandler: RequestHandler = async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = formValues(body);
    const slug = typeof body.campaign === 'string' ? body.campaign : '';
    // Only "no such campaign" is a form error: a database that cannot answer is an outage (503).
    const campaign = slugParams.safeParse({ slug }).success ? await deps.campaigns.find(slug) : null;
    if (!campaign) throw new ValidationFailed([{ field: 'campaign', message: 'Unknown campaign' }]);
    const rerender = async (status: number, errors: Record<string, string>) => {
      res.status(status).type('html').send(await renderDonation(campaign, { values, errors }));
    };

    const form = pledgeFormFieldsSchema.safeParse(body);
    if (form.success && form.data.website) {
      // Honeypot filled: a bot. Answer as if it worked, write nothing, and say so in the logs.
      deps.logger.warn({ clientAddress: req.ip, campaign: slug }, 'honeypot field filled: pledge dropped');
      res.locals.errorCode = 'honeypot';
      return res.redirect(303, '/donate/thanks');
    }
    // The form's own problems: its fields, and an amount typed in major units it cannot read.
    const typed = values.amount === 'custom' || values.amount === undefined ? (values.custom_amount ?? '') : values.amount;
    const amount = parseMajorAmount(typed, campaign.currency);
    const errors = form.success ? {} : toFieldErrors(issuesToDetails(form.error.issues));
    if (amount === null) errors.amount ??= typed.trim() ? 'Enter an amount like 25 or 25.50' : 'Choose or enter an amount';
    // The pledge as the API takes it; the service judges it (an unreadable amount is sent as 0,
    // which it refuses too, so nothing is made while the form has problems of its own).
    const checked = form.success ? form.data : values;
    const request = {
      campaign: slug, currency: body.currency, frequency: body.frequency, email: body.email, name: body.name,
      message: body.message, dedication: body.dedication, anonymous: checked.anonymous, coverFees: checked.coverFees,
      // Left out unless ticked, so a form pledge hashes as the same request the API would send.
      ...(checked.showAmount ? { showAmount: true } : {}),
      ...(checked.digest ? { digest: true } : {}),
      amount: amount ?? 0,
    };
    if (!form.success || amount === null) {
      // Every field's problem at once, the service's beside the form's, so the donor fixes them in one go.
      Object.assign(errors, { ...toFieldErrors(await deps.pledges.problems(request)), ...errors });
      res.locals.errorCode = 'validation_failed';
      return rerender(400, errors);
    }
    try {
      const { pledge } = await deps.pledges.create(request, {
        idempotencyKey: form.success && form.data.form_token ? `form-${form.data.form_token}` : undefined,
        clientAddress: req.ip,
      });
      saveDraft(res, values, secure(req));
      res.redirect(303, pledge.checkoutUrl);
    } catch (error) {
      // The form cannot be drawn without the database: its outage gets the 503 page instead.
      if (isDatabaseUnavailable(error)) throw error;
      const appError = toAppError(error);
      res.locals.errorCode = appError.code;
      if (appError.status >= 500) req.log.error({ err: error }, 'form pledge failed');
      res.set(appError.headers ?? {});
      const errors = appError.details?.length ? toFieldErrors(appError.details) : { form: appError.message };
      return rerender(appError.status, errors);
    }
  };

  const notFound: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || req.path.startsWith('/api/') || !req.accepts('html')) return next();
    res.status(404).type('html').send(notFoundPage(deps.org));
  };

  return { router, formHandler, notFound };
}

function toFieldErrors(details: { field?: string; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) {
    const field = d.field === 'custom_amount' ? 'amount' : (d.field ?? 'form');
    errors[field] ??= d.message.charAt(0).toUpperCase() + d.message.slice(1);
  }
  return errors;
}

function formValues(body: Record<string, unknown>): FormValues {
  const str = (key: string) => (typeof body[key] === 'string' ? (body[key] as string).slice(0, 1000) : undefined);
  return {
    amount: str('amount'),
    custom_amount: str('custom_amount'),
    frequency: str('frequency'),
    email: str('email'),
    name: str('name'),
    message: str('message'),
    dedication: str('dedication'),
    anonymous: body.anonymous === 'on',
    coverFees: body.coverFees === 'on',
    showAmount: body.showAmount === 'on',
    digest: body.digest === 'on',
  };
}

/** ?amount=2500&frequency=monthly (minor units, from the cancel page) back into form values. */
function prefill(query: Record<string, unknown>, currency: string): FormValues {
  const values: FormValues = {};
  if (typeof query.amount === 'string' && /^\d{1,9}$/.test(query.amount)) {
    values.amount = formatMinor(Number(query.amount), currency);
  }
  if (query.frequency === 'monthly' || query.frequency === 'once') values.frequency = query.frequency;
  return values;
}
