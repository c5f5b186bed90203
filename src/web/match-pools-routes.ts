// /admin/match-pools: staff's match pools in the dashboard, HTTP only. The forms go through the
// admin API's own schemas and service (src/matching/), every problem shown beside its field.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { CampaignService } from '../campaigns/campaign-service.ts';
import { issuesToDetails, ValidationFailed } from '../errors.ts';
import { parseOrThrow } from '../http/validation.ts';
import type { MatchPoolService } from '../matching/match-pool-service.ts';
import { createPoolSchema, poolParams, updatePoolSchema, type PoolView } from '../matching/match-schemas.ts';
import { formatMinor, parseMajorAmount } from '../money/currency.ts';
import type { AdminFrame } from './admin-frame.ts';
import { fieldErrors } from './admin-work-routes.ts';
import { matchPoolEditPage, matchPoolsPage, type PoolFormValues } from './match-pools-page.ts';

const FIELDS = ['campaign', 'sponsor', 'cap', 'perDonorCap', 'multiplier', 'startsAt', 'endsAt', 'qualifies', 'monthly', 'monthlyInstallments'] as const;

function formValues(body: Record<string, unknown>): PoolFormValues {
  return Object.fromEntries(FIELDS.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string).slice(0, 300) : undefined]));
}

const valuesOf = (p: PoolView): PoolFormValues => ({
  sponsor: p.sponsor, cap: formatMinor(p.cap, p.currency), perDonorCap: p.perDonorCap === null ? '' : formatMinor(p.perDonorCap, p.currency),
  multiplier: String(p.multiplier), qualifies: p.qualifies, monthly: p.monthly, monthlyInstallments: String(p.monthlyInstallments),
});

/** The form as typed -> the API's request: amounts in major units, empty optional fields left out. */
function poolRequest(v: PoolFormValues, currency: string, mode: 'new' | 'edit') {
  const errors: Record<string, string> = {};
  const amount = (field: 'cap' | 'perDonorCap') => {
    const value = parseMajorAmount((v[field] ?? '').trim(), currency);
    if (value === null) errors[field] = 'Enter an amount like 10000 or 2500.50';
    return value ?? 0;
  };
  const whole = (text: string | undefined) => (/^\s*\d+\s*$/.test(text ?? '') ? Number(text) : text);
  const body: Record<string, unknown> = {
    sponsor: v.sponsor ?? '', cap: amount('cap'), multiplier: whole(v.multiplier), qualifies: v.qualifies, monthly: v.monthly,
    monthlyInstallments: whole(v.monthlyInstallments?.trim() || '1'),
  };
  if (v.perDonorCap?.trim()) body.perDonorCap = amount('perDonorCap');
  else if (mode === 'edit') body.perDonorCap = null;
  if (v.startsAt?.trim()) body.startsAt = v.startsAt.trim();
  if (v.endsAt?.trim()) body.endsAt = v.endsAt.trim();
  return { body, errors };
}

export function matchPoolDashboardRoutes(deps: {
  pools: MatchPoolService;
  campaigns: CampaignService;
  timeZone: string;
  signedIn: RequestHandler;
  csrf: RequestHandler;
  frame: (req: Request, notice?: string) => AdminFrame;
}): Router {
  const router = Router();
  const { signedIn, csrf, frame } = deps;
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

  async function list(req: Request, res: Response, values: PoolFormValues = { multiplier: '1', qualifies: 'all', monthly: 'first_installment', monthlyInstallments: '1' }, errors?: Record<string, string>) {
    const campaigns = await deps.campaigns.all();
    const withPools = await Promise.all(campaigns.map(async (campaign) => ({ campaign, pools: await deps.pools.list(campaign.slug) })));
    const notice = typeof req.query.notice === 'string' ? req.query.notice.slice(0, 300) : undefined;
    res.status(errors ? 400 : 200).type('html').send(matchPoolsPage({ ...frame(req, notice), campaigns: withPools, timeZone: deps.timeZone, values, errors }));
  }

  /** Validates with the API's schema, then the service's rules; the form again with every problem, or a redirect. */
  async function save(req: Request, res: Response, mode: 'new' | 'edit', again: (v: PoolFormValues, e: Record<string, string>) => Promise<void>) {
    const values = formValues(req.body ?? {});
    const campaign = mode === 'new' ? await deps.campaigns.find(values.campaign ?? '') : null;
    if (mode === 'new' && !campaign) return again(values, { campaign: 'Choose a campaign' });
    const current = mode === 'edit' ? await deps.pools.get(parseOrThrow(poolParams, req.params).id) : null;
    const { body, errors } = poolRequest(values, campaign?.currency ?? current!.currency, mode);
    const parsed = (mode === 'new' ? createPoolSchema : updatePoolSchema).safeParse(body);
    if (!parsed.success) return again(values, { ...fieldErrors(issuesToDetails(parsed.error.issues)), ...errors });
    if (Object.keys(errors).length) return again(values, errors);
    try {
      const saved = mode === 'new'
        ? await deps.pools.create(campaign!.slug, parsed.data as z.infer<typeof createPoolSchema>)
        : await deps.pools.update(current!.id, parsed.data as z.infer<typeof updatePoolSchema>);
      req.log.info({ poolId: saved.id, campaign: saved.campaign, adminKeyId: req.dashboardSession!.keyId }, `match pool ${mode === 'new' ? 'created' : 'changed'} from the dashboard`);
      res.redirect(303, `/admin/match-pools?${new URLSearchParams({ notice: `Saved the match pool of ${saved.sponsor}.` })}`);
    } catch (error) {
      if (error instanceof ValidationFailed) return again(values, fieldErrors(error.details));
      throw error;
    }
  }

  router.get('/admin/match-pools', signedIn, (req, res) => list(req, res));
  router.post('/admin/match-pools', signedIn, form, csrf, (req, res) => save(req, res, 'new', (v, e) => list(req, res, v, e)));

  router.get('/admin/match-pools/:id/edit', signedIn, async (req, res) => {
    const pool = await deps.pools.get(parseOrThrow(poolParams, req.params).id);
    res.type('html').send(matchPoolEditPage({ ...frame(req), pool, values: valuesOf(pool) }));
  });
  router.post('/admin/match-pools/:id', signedIn, form, csrf, (req, res) =>
    save(req, res, 'edit', async (values, errors) => {
      const pool = await deps.pools.get(parseOrThrow(poolParams, req.params).id);
      res.status(400).type('html').send(matchPoolEditPage({ ...frame(req), pool, values, errors }));
    }));

  router.post('/admin/match-pools/:id/close', signedIn, form, csrf, async (req, res) => {
    const pool = await deps.pools.close(parseOrThrow(poolParams, req.params).id);
    req.log.info({ poolId: pool.id, adminKeyId: req.dashboardSession!.keyId }, 'match pool closed from the dashboard');
    res.redirect(303, `/admin/match-pools?${new URLSearchParams({ notice: `Closed the match pool of ${pool.sponsor}: gifts from now on are not matched.` })}`);
  });
  return router;
}
