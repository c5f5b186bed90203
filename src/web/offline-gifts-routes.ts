// /admin/offline: the dashboard's offline gifts, HTTP only: the rules are the admin API's own
// (src/offline-gifts). Every POST passes the session and CSRF checks of admin-dashboard-routes.ts;
// the one who acts is the signed-in key.
import { randomUUID } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { CampaignService } from '../campaigns/campaign-service.ts';
import { Conflict, issuesToDetails, ValidationFailed, type ErrorDetail } from '../errors.ts';
import { requireWellFormedForm } from '../http/body-encoding.ts';
import { parseOrThrow } from '../http/validation.ts';
import { decimalsOf, formatMoney, parseMajorAmount } from '../money/currency.ts';
import { offlineReference, type Staff } from '../offline-gifts/offline-gift.ts';
import { MAX_IMPORT_BYTES, todayIn } from '../offline-gifts/offline-gift-import.ts';
import { offlineGiftParams, recordOfflineGiftSchema } from '../offline-gifts/offline-gift-schemas.ts';
import type { ImportResult, OfflineGiftService } from '../offline-gifts/offline-gift-service.ts';
import type { Org } from './layout.ts';
import { offlinePage, type OfflineFormValues, type OfflinePageModel } from './offline-gifts-page.ts';

export const DASHBOARD_IMPORT_PATH = '/admin/offline/import';

export interface OfflineDashboardDeps {
  offlineGifts: OfflineGiftService;
  campaigns: Pick<CampaignService, 'all'>;
  org?: Org;
  timeZone: string;
  signedIn: RequestHandler;
  csrf: RequestHandler;
  clock?: () => Date;
}

const FIELDS = ['campaign', 'amount', 'receivedOn', 'method', 'reference', 'name', 'email', 'token'] as const;
const listQuery = z.object({ cursor: z.string().max(200).optional(), notice: z.string().max(300).optional(), campaign: z.string().max(200).optional() });
const TOKEN = /^[0-9a-f-]{36}$/;

/** Problems by field, the first one each, as the form shows them beside their fields. */
const byField = (details: ErrorDetail[]) =>
  Object.fromEntries(details.toReversed().map((d) => [d.field?.split('.')[0] ?? 'form', d.message.charAt(0).toUpperCase() + d.message.slice(1)]));

export function offlineDashboardRoutes(deps: OfflineDashboardDeps): Router {
  const router = Router();
  const { signedIn, csrf } = deps;
  const now = deps.clock ?? (() => new Date());
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20, verify: requireWellFormedForm });
  // A deposit's file comes as a form field: as large as the API takes (the app's own form parser
  // leaves this path to this one, parsed only once the session is known).
  const importForm = express.urlencoded({ extended: false, limit: MAX_IMPORT_BYTES + 4096, parameterLimit: 5, verify: requireWellFormedForm });
  const staffOf = (req: Request): Staff => ({ keyId: req.dashboardSession!.keyId, label: req.dashboardSession!.label });

  async function show(req: Request, res: Response, extra: Partial<OfflinePageModel> & { status?: number } = {}) {
    const { cursor, notice, campaign } = parseOrThrow(listQuery, req.query);
    const [campaigns, page] = await Promise.all([deps.campaigns.all(), deps.offlineGifts.list({ limit: 50, cursor })]);
    // After a gift is recorded the form stays on its campaign: the next check of the pile is
    // most likely for the same one, and a form back on the first campaign files it there unseen.
    const values: OfflineFormValues = extra.values ?? {
      token: randomUUID(), campaign: campaigns.find((c) => c.slug === campaign)?.slug ?? campaigns[0]?.slug, method: 'check', receivedOn: todayIn(deps.timeZone, now()),
    };
    const { status, ...model } = extra;
    res.status(status ?? 200).type('html').send(offlinePage({
      label: req.dashboardSession!.label, csrf: req.dashboardSession!.csrf, org: deps.org, notice, timeZone: deps.timeZone,
      campaigns, gifts: page.data, nextCursor: page.nextCursor, ...model, values,
    }));
  }

  const back = (res: Response, notice: string, campaign?: string) =>
    res.redirect(303, `/admin/offline?${new URLSearchParams({ notice, ...(campaign ? { campaign } : {}) })}`);

  router.get('/admin/offline', signedIn, (req, res) => show(req, res));

  router.post('/admin/offline/gifts', signedIn, form, csrf, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(FIELDS.map((k) => [k, typeof body[k] === 'string' ? (body[k] as string).slice(0, 1000) : ''])) as unknown as OfflineFormValues;
    if (!TOKEN.test(values.token)) values.token = randomUUID();
    const again = (details: ErrorDetail[]) => show(req, res, { values, errors: byField(details), status: 400 });
    const campaign = (await deps.campaigns.all()).find((c) => c.slug === values.campaign);
    if (!campaign) return again([{ field: 'campaign', message: 'Choose a campaign' }]);
    const amount = parseMajorAmount((values.amount ?? '').trim(), campaign.currency);
    const parsed = recordOfflineGiftSchema.safeParse({
      campaign: campaign.slug, amount: amount ?? 0, currency: campaign.currency, receivedOn: values.receivedOn, method: values.method,
      reference: values.reference || null, name: values.name || null, email: values.email?.trim() || null,
    });
    const problems = [
      ...(amount === null ? [{ field: 'amount', message: `Enter an amount in ${campaign.currency.toUpperCase()} like 250${decimalsOf(campaign.currency) ? ' or 250.00' : ' (no decimals)'}` }] : []),
      ...(parsed.success ? [] : issuesToDetails(parsed.error.issues)),
    ];
    if (problems.length || !parsed.success) return again(problems);
    try {
      const { gift, replayed } = await deps.offlineGifts.record(parsed.data, staffOf(req), `dashboard:${values.token}`);
      req.log.info({ giftId: gift.id, adminKeyId: req.dashboardSession!.keyId, replayed }, 'offline gift recorded from the dashboard');
      back(res, `Recorded ${formatMoney(gift.amount, gift.currency)} from ${gift.donorName ?? 'an anonymous donor'} to ${gift.campaign}${gift.email ? '; the receipt is on its way' : ''}.`, gift.campaign);
    } catch (error) {
      if (error instanceof ValidationFailed) return again(error.details);
      if (error instanceof Conflict) return again([{ field: 'form', message: 'This form was sent with other values already: reload the page and enter the gift again' }]);
      throw error;
    }
  });

  router.post('/admin/offline/gifts/:id/void', signedIn, form, csrf, async (req, res) => {
    const { id } = parseOrThrow(offlineGiftParams, req.params);
    const reason = typeof req.body?.reason === 'string' ? req.body.reason : '';
    try {
      const gift = await deps.offlineGifts.void(id, reason.trim(), staffOf(req));
      req.log.info({ giftId: gift.id, adminKeyId: req.dashboardSession!.keyId }, 'offline gift voided from the dashboard');
      back(res, `Voided ${formatMoney(gift.amount, gift.currency)} from ${gift.donorName ?? 'an anonymous donor'} (${offlineReference(gift.id)}): it has left the total.`);
    } catch (error) {
      if (error instanceof Conflict) return show(req, res, { voidErrors: { [id]: error.message }, status: 409 });
      if (error instanceof ValidationFailed) return show(req, res, { voidErrors: { [id]: 'Say why the entry is wrong: it is kept with the gift' }, status: 400 });
      throw error;
    }
  });

  router.post(DASHBOARD_IMPORT_PATH, signedIn, importForm, csrf, async (req, res) => {
    const csv = typeof req.body?.csv === 'string' ? req.body.csv : '';
    const dryRun = req.body?.action !== 'import';
    try {
      const result: ImportResult = await deps.offlineGifts.import(csv, staffOf(req), { dryRun });
      req.log.info({ adminKeyId: req.dashboardSession!.keyId, dryRun, imported: result.imported.length, skipped: result.alreadyImported.length }, 'offline import from the dashboard');
      return show(req, res, { csv: dryRun ? csv : '', importResult: result });
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      return show(req, res, { csv, importProblems: error.details, status: 400 });
    }
  });

  return router;
}

/** The app's own form parser skips the import: its route parses the file once signed in. */
export const skipsAppFormParser = (path: string) => path === DASHBOARD_IMPORT_PATH;
