// The dashboard's working pages: HTTP only. Payments (search, one payment, refunds with a
// confirmation step), monthly donors, the campaign form, and the export form's hand-off to the
// CSV routes. Every POST passes the session and CSRF checks of admin-dashboard-routes.ts.
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import type { CampaignManagementService } from '../campaigns/campaign-management-service.ts';
import { createCampaignSchema, updateCampaignSchema } from '../campaigns/campaign-schemas.ts';
import type { CampaignService } from '../campaigns/campaign-service.ts';
import {
  Conflict, issuesToDetails, NotFound, PaymentProviderError, PaymentProviderRefused, ValidationFailed, type ErrorDetail,
} from '../errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import { parseMajorAmount } from '../money/currency.ts';
import type { PaymentQueryRepository } from '../payments/payment-query-repository.ts';
import { refundableOf, type RefundService } from '../payments/refund-service.ts';
import type { AdminFrame } from './admin-frame.ts';
import {
  campaignFormPage, campaignFormValues, monthlyPage, paymentPage, paymentsPage, refundConfirmPage, type CampaignFormValues,
} from './admin-work-pages.ts';
import type { Org } from './layout.ts';
import { disputesPage } from './attention-panels.ts';
import type { StaffAttention } from '../payments/staff-attention.ts';

export interface AdminWorkDeps {
  payments: PaymentQueryRepository;
  refunds: RefundService;
  campaigns: CampaignManagementService;
  campaignReads: Pick<CampaignService, 'find'>;
  /** Open disputes and failing monthly gifts, with their dunning state. */
  attention: StaffAttention;
  org?: Org;
  timeZone: string;
  signedIn: RequestHandler;
  csrf: RequestHandler;
}

const PAGE_SIZE = 25;
const paymentParams = z.object({ id: z.uuid('must be a payment id') });
const searchQuery = z.object({
  q: z.string().max(200, 'must be at most 200 characters').optional().default(''),
  page: z.coerce.number().int().min(1).max(10_000).optional().default(1),
});
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const exportQuery = z.object({
  kind: z.enum(['payments', 'pledges', 'payouts', 'offline'], 'choose payments, pledges, payouts or offline'),
  campaign: z.string().max(64).optional(),
  from: z.union([z.literal(''), z.string().regex(DAY, 'must be a day')]).optional(),
  to: z.union([z.literal(''), z.string().regex(DAY, 'must be a day')]).optional(),
  format: z.enum(['csv', 'excel']).optional(),
});

/** Problems as field -> message, first one per field, for the form beside its fields. */
export function fieldErrors(details: ErrorDetail[], rename: Record<string, string> = {}): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const d of details) {
    const field = rename[d.field?.split('.')[0] ?? ''] ?? d.field?.split('.')[0] ?? 'form';
    errors[field] ??= d.message.charAt(0).toUpperCase() + d.message.slice(1);
  }
  return errors;
}

const FORM_TO_API: Record<string, string> = { presetAmounts: 'presets', monthlyPresetAmounts: 'monthlyPresets' };

/** The form as typed -> the admin API's request, and the fields that cannot be read (zero in the request). */
function campaignRequest(v: CampaignFormValues, mode: 'new' | 'edit'): { body: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const currency = (v.currency ?? '').trim().toLowerCase();
  const amount = (text: string | undefined, field: string) => {
    const value = parseMajorAmount((text ?? '').trim(), /^[a-z]{3}$/.test(currency) ? currency : 'usd');
    if (value === null) errors[field] ??= 'Enter an amount like 250000 or 25.50';
    return value ?? 0;
  };
  const amounts = (text: string | undefined, field: string) =>
    (text ?? '').split(/[\s,;]+/).filter(Boolean).map((t) => amount(t, field));
  const lines = (text: string | undefined) => (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const body = {
    ...(mode === 'new' ? { slug: v.slug ?? '' } : {}),
    title: v.title ?? '', description: v.description ?? '', goal: amount(v.goal, 'goal'), currency,
    timezone: (v.timezone ?? '').trim(), startsAt: v.startsAt ?? '', endsAt: v.endsAt ?? '',
    presetAmounts: amounts(v.presets, 'presets'), presetImpacts: lines(v.presetImpacts),
    monthlyPresetAmounts: amounts(v.monthlyPresets, 'monthlyPresets'), monthlyPresetImpacts: lines(v.monthlyPresetImpacts),
    suggestMonthly: !!v.suggestMonthly, imageUrl: v.imageUrl?.trim() ? v.imageUrl.trim() : null, imageAlt: v.imageAlt ?? '', story: v.story ?? '',
  };
  return { body, errors };
}

function formValues(body: Record<string, unknown>): CampaignFormValues {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 25_000) : undefined);
  const keys = ['slug', 'title', 'description', 'goal', 'currency', 'timezone', 'startsAt', 'endsAt', 'presets', 'presetImpacts',
    'monthlyPresets', 'monthlyPresetImpacts', 'imageUrl', 'imageAlt', 'story'] as const;
  return { ...Object.fromEntries(keys.map((k) => [k, str(k)])), suggestMonthly: body.suggestMonthly === 'on' };
}

export function adminWorkRoutes(deps: AdminWorkDeps): Router {
  const router = Router();
  const { signedIn, csrf } = deps;
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 30 });
  const frame = (req: Request, notice?: string): AdminFrame => ({
    label: req.dashboardSession!.label, csrf: req.dashboardSession!.csrf, org: deps.org, notice,
  });
  const noticeOf = (req: Request) => (typeof req.query.notice === 'string' ? req.query.notice.slice(0, 300) : undefined);

  router.get('/admin/export', signedIn, (req, res) => {
    const q = parseOrThrow(exportQuery, req.query);
    const target = new URLSearchParams();
    if (q.campaign) target.set('campaign', q.campaign);
    if (q.from) target.set('from', q.from);
    // The form's last day is included: the export's `to` is the next midnight.
    if (q.to) target.set('to', new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
    if (q.format === 'excel') target.set('format', 'excel');
    res.redirect(303, `/admin/exports/${q.kind}.csv${target.size ? `?${target}` : ''}`);
  });

  router.get('/admin/payments', signedIn, async (req, res) => {
    const { q, page } = parseOrThrow(searchQuery, req.query);
    const rows = await deps.payments.search({ q, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
    res.type('html').send(paymentsPage({ ...frame(req), timeZone: deps.timeZone, q, page, rows: rows.slice(0, PAGE_SIZE), hasNext: rows.length > PAGE_SIZE }));
  });

  async function showPayment(req: Request, res: express.Response, extra: { values?: { amount?: string; reason?: string }; errors?: Record<string, string>; status?: number } = {}) {
    const { id } = parseOrThrow(paymentParams, req.params);
    const payment = await deps.payments.find(id);
    if (!payment) throw new NotFound('That payment');
    const refunds = await deps.payments.refundRequests(id);
    res.status(extra.status ?? 200).type('html').send(
      paymentPage({
        ...frame(req, noticeOf(req)), timeZone: deps.timeZone, payment, refunds,
        refundable: refundableOf(payment, refunds.find((r) => r.open) ?? null), values: extra.values, errors: extra.errors,
      }),
    );
  }

  router.get('/admin/payments/:id', signedIn, (req, res) => showPayment(req, res));

  /** The refund form's fields, checked by the refund rules; a problem shows the payment page again. */
  async function refundAsk(req: Request, res: express.Response) {
    const { id } = parseOrThrow(paymentParams, req.params);
    const values = { amount: typeof req.body?.amount === 'string' ? req.body.amount : '', reason: typeof req.body?.reason === 'string' ? req.body.reason : '' };
    const payment = await deps.payments.find(id);
    if (!payment) throw new NotFound('That payment');
    const amount = parseMajorAmount(values.amount.trim(), payment.currency);
    try {
      if (amount === null) throw ValidationFailed.field('amount', 'Enter an amount like 25 or 25.50');
      return { values, ...(await deps.refunds.check({ paymentId: id, amount, reason: values.reason })) };
    } catch (error) {
      await showRefundProblem(req, res, values, error);
      return null;
    }
  }

  /** A refund the rules refuse: the payment's page again, with the problem beside the amount. */
  async function showRefundProblem(req: Request, res: express.Response, values: { amount?: string; reason?: string }, error: unknown) {
    if (error instanceof Conflict) return showPayment(req, res, { values, errors: { amount: error.message }, status: 409 });
    if (error instanceof ValidationFailed) return showPayment(req, res, { values, errors: fieldErrors(error.details), status: 400 });
    throw error;
  }

  router.post('/admin/payments/:id/refund/confirm', signedIn, form, csrf, async (req, res) => {
    const ask = await refundAsk(req, res);
    if (ask) res.type('html').send(refundConfirmPage({ ...frame(req), payment: ask.payment, amount: ask.amount, reason: ask.values.reason.trim() }));
  });

  router.post('/admin/payments/:id/refund', signedIn, form, csrf, async (req, res) => {
    const ask = await refundAsk(req, res);
    if (!ask) return;
    const session = req.dashboardSession!;
    const back = (notice: string) => res.redirect(303, `/admin/payments/${ask.payment.id}?${new URLSearchParams({ notice })}`);
    try {
      const done = await deps.refunds.refund({ paymentId: ask.payment.id, amount: ask.amount, reason: ask.values.reason, adminKeyId: session.keyId });
      req.log.info({ paymentId: ask.payment.id, amount: done.amount, refundId: done.stripeRefundId, retried: done.retried, adminKeyId: session.keyId }, 'refund requested from the dashboard');
      back(`Refund ${done.stripeRefundId} asked of Stripe. The payment and the totals change when Stripe confirms it (its webhook), usually within seconds.`);
    } catch (error) {
      if (!(error instanceof PaymentProviderError)) return showRefundProblem(req, res, ask.values, error);
      req.log.warn({ err: error, paymentId: ask.payment.id, adminKeyId: session.keyId }, 'refund without an answer from Stripe, or refused');
      // The donor-facing messages of these errors ("you have not been charged") are not for staff.
      back(error instanceof PaymentProviderRefused
        ? 'Stripe refused this refund, so nothing was refunded. See the reason below.'
        : 'Stripe did not answer, so this refund may or may not have been made. Retry it below: it cannot be made twice.');
    }
  });

  router.get('/admin/monthly', signedIn, async (req, res) => {
    const [rows, failing] = await Promise.all([deps.payments.monthlyDonors(), deps.attention.failingMonthly()]);
    res.type('html').send(monthlyPage({ ...frame(req), timeZone: deps.timeZone, rows, failing }));
  });

  router.get('/admin/disputes', signedIn, async (req, res) => {
    res.type('html').send(disputesPage({ ...frame(req), disputes: await deps.attention.openDisputes() }));
  });

  const blankCampaign: CampaignFormValues = { currency: 'usd', timezone: deps.timeZone, suggestMonthly: true, presets: '25, 50, 100, 250' };

  router.get('/admin/campaigns/new', signedIn, (req, res) => {
    res.type('html').send(campaignFormPage({ ...frame(req), mode: 'new', values: blankCampaign }));
  });

  router.get('/admin/campaigns/:slug/edit', signedIn, async (req, res) => {
    const campaign = await deps.campaignReads.find(String(req.params.slug));
    if (!campaign) throw new NotFound('That campaign');
    res.type('html').send(campaignFormPage({ ...frame(req, noticeOf(req)), mode: 'edit', values: campaignFormValues(campaign) }));
  });

  async function saveCampaign(req: Request, res: express.Response, mode: 'new' | 'edit') {
    const values = formValues(req.body ?? {});
    if (mode === 'edit') values.slug = String(req.params.slug);
    const again = (errors: Record<string, string>) => res.status(400).type('html').send(campaignFormPage({ ...frame(req), mode, values, errors }));
    // Every problem at once: what could not be read, then what the API's own schema refuses.
    const { body, errors } = campaignRequest(values, mode);
    const parsed = (mode === 'new' ? createCampaignSchema : updateCampaignSchema).safeParse(body);
    if (!parsed.success) return again({ ...fieldErrors(issuesToDetails(parsed.error.issues), FORM_TO_API), ...errors });
    if (Object.keys(errors).length) return again(errors);
    try {
      const saved = mode === 'new'
        ? await deps.campaigns.create(parsed.data as z.infer<typeof createCampaignSchema>)
        : await deps.campaigns.update(values.slug!, parsed.data as z.infer<typeof updateCampaignSchema>);
      req.log.info({ campaign: saved.slug, adminKeyId: req.dashboardSession!.keyId }, `campaign ${mode === 'new' ? 'created' : 'changed'} from the dashboard`);
      res.redirect(303, `/admin/campaigns/${saved.slug}/edit?${new URLSearchParams({ notice: `Saved. The donation page is at /campaigns/${saved.slug}.` })}`);
    } catch (error) {
      if (error instanceof Conflict) return again({ [mode === 'new' ? 'slug' : 'currency']: error.message });
      if (error instanceof ValidationFailed) return again(fieldErrors(error.details, FORM_TO_API));
      throw error;
    }
  }

  router.post('/admin/campaigns', signedIn, form, csrf, (req, res) => saveCampaign(req, res, 'new'));
  router.post('/admin/campaigns/:slug', signedIn, form, csrf, (req, res) => saveCampaign(req, res, 'edit'));
  return router;
}
