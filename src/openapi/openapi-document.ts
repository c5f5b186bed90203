// GET /openapi.json: an OpenAPI 3.1 document generated from the zod schemas the routes validate
// with (path, query, header and body) and the schemas the answers' types come from, so
// documentation and validation cannot drift: no JSON Schema is written by hand here. Every named
// schema goes into one zod registry and is converted in one pass, so shared pieces become $refs
// to #/components/schemas. zod 4's own z.toJSONSchema does the converting (see the commit that
// replaced the hand-written parameters for why not @asteasolutions/zod-to-openapi).
import { z } from 'zod';
import { createCampaignSchema, slugParams, updateCampaignSchema } from '../campaigns/campaign-schemas.ts';
import { matchExportQuery, paymentExportQuery, pledgeExportQuery, payoutExportQuery, reconciliationQuery } from '../payments/finance-schemas.ts';
import { createPoolSchema, poolListSchema, poolParams, poolViewSchema, updatePoolSchema } from '../matching/match-schemas.ts';
import {
  idempotencyKeySchema, pledgeFormSchema, pledgeListQuery, pledgeRequestSchema, pledgeResponseSchema,
} from '../pledges/pledge-schemas.ts';
import { reconcileRequest, webhookEventListQuery, webhookEventParams } from '../webhooks/webhook-admin-schemas.ts';
import {
  offlineExportQuery, offlineGiftListQuery, offlineGiftParams, offlineImportQuery, recordOfflineGiftSchema, voidOfflineGiftSchema,
} from '../offline-gifts/offline-gift-schemas.ts';
import { digestTokenParams, signUpFormSchema, signUpRequestSchema, signUpResponseSchema } from '../digest/digest-schemas.ts';
import * as responses from './response-schemas.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

const BODIES = {
  PledgeRequest: pledgeRequestSchema,
  PledgeForm: pledgeFormSchema,
  CreateCampaignRequest: createCampaignSchema,
  UpdateCampaignRequest: updateCampaignSchema,
  ReconcileRequest: reconcileRequest,
  RecordOfflineGiftRequest: recordOfflineGiftSchema,
  VoidOfflineGiftRequest: voidOfflineGiftSchema,
  CreateMatchPoolRequest: createPoolSchema,
  UpdateMatchPoolRequest: updatePoolSchema,
  DigestSignUpRequest: signUpRequestSchema,
  DigestSignUpForm: signUpFormSchema,
} as const;

const ANSWERS = {
  Error: responses.errorResponse,
  PledgeResponse: pledgeResponseSchema,
  Campaign: responses.campaignView,
  CampaignList: responses.campaignList,
  Progress: responses.progress,
  AdminPledgePage: responses.adminPledgePage,
  WebhookEventPage: responses.webhookEventPage,
  ReplayResult: responses.replayResult,
  ReconciliationReport: responses.reconciliationReport,
  ReconcileSummary: responses.reconcileSummary,
  Health: responses.health,
  WebhookAck: responses.webhookAck,
  OfflineGift: responses.offlineGift,
  OfflineGiftPage: responses.offlineGiftPage,
  OfflineImportResult: responses.offlineImportResult,
  MatchPool: poolViewSchema,
  MatchPoolList: poolListSchema,
  DigestSignUpResponse: signUpResponseSchema,
} as const;

const QUERIES = {
  pledgeList: pledgeListQuery,
  pledgeExport: pledgeExportQuery,
  paymentExport: paymentExportQuery,
  payoutExport: payoutExportQuery,
  matchExport: matchExportQuery,
  reconciliation: reconciliationQuery,
  webhookEvents: webhookEventListQuery,
  offlineGifts: offlineGiftListQuery,
  offlineImport: offlineImportQuery,
  offlineExport: offlineExportQuery,
} as const;

/** Request bodies and query strings as clients send them (before transforms and defaults). */
function componentSchemas(): Record<string, JsonSchema> {
  const input = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(BODIES)) input.add(schema, { id });
  const output = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(ANSWERS)) output.add(schema, { id });
  const convert = (registry: typeof input, io: 'input' | 'output') =>
    (z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as {
      schemas: Record<string, JsonSchema>;
    }).schemas;
  const all = { ...convert(input, 'input'), ...convert(output, 'output') };
  // $id values here would be bare fragments, which JSON Schema 2020-12 forbids; refs use the URI.
  for (const schema of Object.values(all)) {
    delete schema.$schema;
    delete schema.$id;
  }
  delete all.__shared;
  return all;
}

/** One schema inline (not a named component), as clients send it ('input') or receive it. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** The parameters a route validates with one zod object: one per property, required unless optional. */
function parameters(location: 'path' | 'query' | 'header', schema: z.ZodType): Array<Record<string, unknown>> {
  const json = schemaOf(schema, 'input');
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
  }));
}

// Request headers the routes read (the pledge route validates Idempotency-Key with its schema).
const HEADERS = {
  ifNoneMatch: z.object({ 'If-None-Match': z.string().optional() }),
  lastEventId: z.object({ 'Last-Event-ID': z.string().optional() }),
  idempotencyKey: z.object({ 'Idempotency-Key': idempotencyKeySchema.optional() }),
  stripeSignature: z.object({ 'Stripe-Signature': z.string() }),
};
const PUBLIC_SLUG = parameters('path', slugParams);
// Staff's PATCH names a campaign the same way as the public paths.
const ADMIN_SLUG = PUBLIC_SLUG;

const ref = (name: keyof typeof ANSWERS | keyof typeof BODIES) => ({ $ref: `#/components/schemas/${name}` });
const text = { schema: schemaOf(z.string()) };
const anyObject = (description: string) => schemaOf(z.object({}).loose().describe(description));
const json = (name: keyof typeof ANSWERS, description: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const csv = (description: string) => ({ description, content: { 'text/csv': text } });
const error = (description: string) => json('Error', description);
/** The donation form gets its answer as a page; the JSON API as JSON. */
const errorOrPage = (description: string) => ({
  description, content: { 'application/json': { schema: ref('Error') }, 'text/html': text },
});
const body = (name: keyof typeof BODIES) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });

const retryAfter = (required: boolean) => ({
  'Retry-After': { description: 'seconds to wait before trying again', required, schema: schemaOf(z.int().min(1)) },
});
/** A dependency is down: nothing was written (or charged); try again. */
const unavailable = (description: string) => ({ ...error(description), headers: retryAfter(false) });
const DATABASE_DOWN = unavailable('the database is unreachable; nothing was written');
const TOO_LARGE = error('request body too large (16 KB; 50 form fields)');
const BAD_ENCODING = error('request body in a charset or encoding other than UTF-8');

const ADMIN_ERRORS = {
  '400': error('invalid parameters; `details` names each field'),
  '401': error('no, a malformed, an unknown or a revoked admin key'),
  '503': DATABASE_DOWN,
};
const ADMIN_BODY_ERRORS = { '413': TOO_LARGE, '415': BAD_ENCODING };
const STRIPE_DOWN = unavailable('Stripe or the database is unreachable; nothing was changed');
const STRIPE_ERRORS = { '502': error('Stripe refused the request (e.g. a revoked API key)'), '503': STRIPE_DOWN };

const exportFilters = 'Filters: campaign slug, status, and [from, to) as ISO 8601 dates or date-times.';
// Capacity answers (src/http/capacity.ts): the cap is reached, not the client's fault nor a failure.
const EXPORTS_BUSY = { ...error('the exports running at once are at their cap (`too_many_exports`): try again when one has finished'), headers: retryAfter(true) };

export function buildOpenApiDocument(options: { serverUrl?: string } = {}) {
  const admin = { security: [{ adminKey: [] }], tags: ['admin'] };
  // Public operations say so: no security scheme applies to them.
  const open = { security: [], tags: ['public'] };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Donations API',
      version: '1.0.0',
      description:
        'Donations and campaign progress (public) and finance and staff operations (admin, bearer key). ' +
        'JSON amounts are integer minor units; CSV amounts are decimal strings in the currency\'s precision.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    tags: [
      { name: 'public', description: 'Campaigns, their live progress, donations and health checks: no key.' },
      { name: 'admin', description: 'Finance and staff operations: `Authorization: Bearer <admin key>`.' },
      { name: 'stripe', description: "Stripe's webhook deliveries, verified by their signature." },
    ],
    paths: {
      '/api/campaigns': {
        get: {
          ...open, summary: 'List campaigns', operationId: 'listCampaigns',
          responses: { '200': json('CampaignList', 'campaigns'), '503': DATABASE_DOWN },
        },
      },
      '/api/campaigns/{slug}': {
        get: {
          ...open, summary: 'One campaign', operationId: 'getCampaign', parameters: PUBLIC_SLUG,
          responses: { '200': json('Campaign', 'the campaign'), '400': error('bad slug'), '404': error('no such campaign'), '503': DATABASE_DOWN },
        },
      },
      '/api/campaigns/{slug}/progress': {
        get: {
          ...open, summary: "A campaign's progress toward its goal", operationId: 'getProgress',
          parameters: [...PUBLIC_SLUG, ...parameters('header', HEADERS.ifNoneMatch)],
          responses: {
            '200': {
              ...json('Progress', 'progress'),
              headers: { ETag: { description: 'send back as If-None-Match to get a 304 while nothing changed', schema: schemaOf(z.string()) } },
            },
            '304': { description: 'unchanged since the ETag in If-None-Match' },
            '400': error('bad slug'),
            '404': error('no such campaign'),
            '503': DATABASE_DOWN,
          },
        },
      },
      '/api/campaigns/{slug}/progress/stream': {
        get: {
          ...open, summary: "A campaign's progress, live (Server-Sent Events)", operationId: 'streamProgress',
          description:
            'An event stream that stays open: each `progress` event carries the Progress object as JSON in `data` and its ' +
            'ETag as `id`; a comment every 15 s keeps proxies from closing it. A reconnecting EventSource sends ' +
            '`Last-Event-ID` and gets only what changed since.',
          parameters: [...PUBLIC_SLUG, ...parameters('header', HEADERS.lastEventId)],
          responses: {
            '200': { description: 'the stream (`event: progress`, `data:` a Progress object)', content: { 'text/event-stream': text } },
            '400': error('bad slug'),
            '404': error('no such campaign'),
            '429': { ...error('this client address holds all the live streams it may (`too_many_streams`): poll the progress instead'), headers: retryAfter(true) },
            '503': unavailable('the database is unreachable, or every live stream is taken (`streams_full`): poll the progress instead'),
          },
        },
      },
      '/api/pledges': {
        post: {
          ...open, summary: 'Pledge a donation and get a Stripe Checkout URL', operationId: 'createPledge',
          description:
            'JSON (amount in integer minor units) answers in JSON. The donation form posts the same fields form-encoded ' +
            '(amount in major units as typed, checkboxes as `on`) and gets a 303 to Checkout, or the form again (HTML) with ' +
            'its errors.',
          parameters: parameters('header', HEADERS.idempotencyKey),
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('PledgeRequest') },
              'application/x-www-form-urlencoded': { schema: ref('PledgeForm') },
            },
          },
          responses: {
            '201': {
              ...json('PledgeResponse', 'the pledge, with where to send the donor'),
              headers: { 'Idempotent-Replayed': { description: '`true` when this answers an earlier request with the same key', schema: schemaOf(z.enum(['true'])) } },
            },
            '303': {
              description: 'form: go to Stripe Checkout (a trapped bot is sent to the thank-you page)',
              headers: { Location: { description: 'the Checkout page', required: true, schema: schemaOf(z.string()) } },
            },
            '400': errorOrPage('invalid field (named in details); the form gets the form again with each error'),
            '409': errorOrPage('same Idempotency-Key (or form token) with a different body, or a pledge too old to resume'),
            '413': TOO_LARGE,
            '415': error('neither JSON nor a form, or not UTF-8'),
            '429': { ...errorOrPage('too many donation attempts from this address, or from everyone'), headers: retryAfter(true) },
            '502': errorOrPage('Stripe refused the request; the donor was not charged'),
            '503': { ...errorOrPage('the database or Stripe is unreachable; the donor was not charged'), headers: retryAfter(false) },
          },
        },
      },
      '/api/digest/subscriptions': {
        post: {
          ...open, summary: 'Sign an address up for the daily digest (double opt-in)', operationId: 'signUpForDigest',
          description:
            'Records the consent (time, source, client address) and queues a confirmation email; only an address whose ' +
            'owner clicks its link gets the digest. The answer is the same for every well-formed address, known or not; an ' +
            'address gets at most one email an hour. The sign-up forms post the same fields form-encoded and get a page.',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref('DigestSignUpRequest') },
              'application/x-www-form-urlencoded': { schema: ref('DigestSignUpForm') },
            },
          },
          responses: {
            '202': json('DigestSignUpResponse', 'taken: a confirmation email is on its way if the address can get one'),
            '200': { description: 'form: the page saying to check the inbox', content: { 'text/html': text } },
            '400': errorOrPage('invalid field (named in details); the form gets the form again'),
            '413': TOO_LARGE,
            '415': error('neither JSON nor a form, or not UTF-8'),
            '429': { ...errorOrPage('too many sign-ups from this client address (DIGEST_RATE_LIMIT_PER_MINUTE), or from all of them (DIGEST_RATE_LIMIT_GLOBAL_PER_MINUTE)'), headers: retryAfter(true) },
            '503': { ...errorOrPage('the database is unreachable; nothing was written'), headers: retryAfter(false) },
          },
        },
      },
      '/digest/unsubscribe/{token}': {
        post: {
          ...open, summary: 'One-click unsubscribe from the daily digest (RFC 8058)', operationId: 'unsubscribeFromDigest',
          description:
            'The URL of every digest email\'s List-Unsubscribe header (with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`): ' +
            'mail clients POST `List-Unsubscribe=One-Click` to it, without cookies or a CSRF token; the signed token is the ' +
            'credential. Doing it again changes nothing. A GET shows a page with the button, and unsubscribes nobody.',
          parameters: parameters('path', digestTokenParams),
          requestBody: { required: false, content: { 'application/x-www-form-urlencoded': { schema: schemaOf(z.object({ 'List-Unsubscribe': z.literal('One-Click').optional() })) } } },
          responses: {
            '200': { description: 'unsubscribed (a page)', content: { 'text/html': text } },
            '404': { description: 'not a token of ours (a page)', content: { 'text/html': text } },
            '503': { description: 'the database is unreachable; try again (a page)', content: { 'text/html': text } },
          },
        },
      },
      '/webhooks/stripe': {
        post: {
          security: [], tags: ['stripe'], summary: "Stripe's event deliveries", operationId: 'stripeWebhook',
          description:
            'The raw body is verified against `Stripe-Signature` (5 minutes tolerance), stored by event id and applied ' +
            'once. 200 means stored (also for a duplicate, an ignored type or an event that can never apply); 5xx means ' +
            'nothing was stored and Stripe should retry.',
          parameters: parameters('header', HEADERS.stripeSignature),
          requestBody: { required: true, content: { 'application/json': { schema: anyObject('a Stripe Event') } } },
          responses: {
            '200': json('WebhookAck', 'stored, with what became of it'),
            '400': error('missing or wrong signature, a stale timestamp, or a body that is not a Stripe event (or over 512 KB)'),
            // An event Stripe refuses to explain (a 4xx from Stripe) can never apply: stored as failed, 200.
            '503': STRIPE_DOWN,
          },
        },
      },
      '/healthz': { get: { ...open, summary: 'Liveness', operationId: 'healthz', responses: { '200': json('Health', 'up') } } },
      '/readyz': {
        get: { ...open, summary: 'Readiness', operationId: 'readyz', responses: { '200': json('Health', 'database reachable'), '503': error('database unreachable') } },
      },
      '/openapi.json': {
        get: { ...open, summary: 'This document', operationId: 'openapi', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: anyObject('this document') } } } } },
      },
      '/metrics': {
        get: {
          ...admin, summary: 'Prometheus metrics', operationId: 'metrics',
          description: 'Also served without a key on METRICS_PORT when that is set (keep that port private).',
          responses: {
            '200': { description: 'Prometheus text format 0.0.4', content: { 'text/plain': text } },
            '401': ADMIN_ERRORS['401'],
            '503': ADMIN_ERRORS['503'],
          },
        },
      },
      '/api/admin/campaigns': {
        post: {
          ...admin, summary: 'Create a campaign', operationId: 'createCampaign', requestBody: body('CreateCampaignRequest'),
          responses: { '201': json('Campaign', 'created'), ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS, '409': error('slug taken') },
        },
      },
      '/api/admin/campaigns/{slug}': {
        patch: {
          ...admin, summary: 'Change a campaign', operationId: 'updateCampaign', parameters: ADMIN_SLUG, requestBody: body('UpdateCampaignRequest'),
          responses: {
            '200': json('Campaign', 'updated'), ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS,
            '404': error('no such campaign'), '409': error('currency change with pledges'),
          },
        },
      },
      '/api/admin/campaigns/{slug}/match-pools': {
        get: {
          ...admin, summary: "A campaign's match pools", operationId: 'listMatchPools', parameters: ADMIN_SLUG,
          responses: { '200': json('MatchPoolList', 'the pools, oldest first, with cap, allocated and remaining'), ...ADMIN_ERRORS, '404': error('no such campaign') },
        },
        post: {
          ...admin, summary: 'Create a match pool', operationId: 'createMatchPool', parameters: ADMIN_SLUG, requestBody: body('CreateMatchPoolRequest'),
          description: "A sponsor's pool in the campaign's currency; its window defaults to the campaign's. Gifts made in the window take their match when their payment is recorded.",
          responses: { '201': json('MatchPool', 'created'), ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS, '404': error('no such campaign') },
        },
      },
      '/api/admin/match-pools/{id}': {
        get: {
          ...admin, summary: 'One match pool', operationId: 'getMatchPool', parameters: parameters('path', poolParams),
          responses: { '200': json('MatchPool', 'the pool'), ...ADMIN_ERRORS, '404': error('no such pool') },
        },
        patch: {
          ...admin, summary: 'Change a match pool', operationId: 'updateMatchPool', parameters: parameters('path', poolParams),
          description: 'The cap cannot go under what is already allocated (400 naming `cap`). Matches already made stay as they are.',
          requestBody: body('UpdateMatchPoolRequest'),
          responses: { '200': json('MatchPool', 'updated'), ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS, '404': error('no such pool') },
        },
      },
      '/api/admin/match-pools/{id}/close': {
        post: {
          ...admin, summary: 'Close a match pool', operationId: 'closeMatchPool', parameters: parameters('path', poolParams),
          description: 'Gifts made from now on are not matched; matches already made stay, and still follow refunds and disputes. Closing twice keeps the first time.',
          responses: { '200': json('MatchPool', 'closed'), ...ADMIN_ERRORS, '404': error('no such pool') },
        },
      },
      '/api/admin/pledges': {
        get: {
          ...admin, summary: 'Pledges, newest first, in pages', operationId: 'listPledges', parameters: parameters('query', QUERIES.pledgeList),
          responses: { '200': json('AdminPledgePage', 'a page of pledges'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/exports/payments.csv': {
        get: {
          ...admin, summary: 'Payments as CSV (streamed)', description: `One row per payment. ${exportFilters} Dates filter paid_at.`,
          operationId: 'exportPayments', parameters: parameters('query', QUERIES.paymentExport),
          responses: { '200': csv('payments'), ...ADMIN_ERRORS, '429': EXPORTS_BUSY },
        },
      },
      '/api/admin/exports/pledges.csv': {
        get: {
          ...admin, summary: 'Pledges as CSV (streamed)', description: `One row per pledge, any status. ${exportFilters} Dates filter created_at.`,
          operationId: 'exportPledges', parameters: parameters('query', QUERIES.pledgeExport),
          responses: { '200': csv('pledges'), ...ADMIN_ERRORS, '429': EXPORTS_BUSY },
        },
      },
      '/api/admin/exports/payouts.csv': {
        get: {
          ...admin, summary: 'Payouts with the sums of their payments (CSV)',
          description: `One row per payout: Stripe's amount beside the sum of its payments' gross, fee and net, the money of failed or cancelled payouts it carries, and its failure code if it failed. ${exportFilters} Dates filter arrival_date.`,
          operationId: 'exportPayouts', parameters: parameters('query', QUERIES.payoutExport),
          responses: { '200': csv('payouts'), ...ADMIN_ERRORS, '429': EXPORTS_BUSY },
        },
      },
      '/api/admin/offline-gifts': {
        post: {
          ...admin, summary: 'Record an offline gift (a check, a bank transfer, cash)', operationId: 'recordOfflineGift',
          description:
            "Counted in the campaign's raised total in the same transaction, never sent to Stripe; the donor gets a receipt " +
            'when an email is given. `entered_by` is the admin key\'s label. An `Idempotency-Key` makes a retry answer the same gift.',
          parameters: parameters('header', HEADERS.idempotencyKey),
          requestBody: body('RecordOfflineGiftRequest'),
          responses: {
            '201': json('OfflineGift', 'recorded'),
            '200': { ...json('OfflineGift', 'the gift an earlier request with this Idempotency-Key recorded'), headers: { 'Idempotent-Replayed': { description: '`true`', schema: schemaOf(z.enum(['true'])) } } },
            ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS,
            '409': error('this Idempotency-Key was used with another request'),
          },
        },
        get: {
          ...admin, summary: 'Offline gifts, newest entry first, in pages (voided ones too)', operationId: 'listOfflineGifts',
          parameters: parameters('query', QUERIES.offlineGifts),
          responses: { '200': json('OfflineGiftPage', 'a page of offline gifts'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/offline-gifts/{id}': {
        get: {
          ...admin, summary: 'One offline gift', operationId: 'getOfflineGift', parameters: parameters('path', offlineGiftParams),
          responses: { '200': json('OfflineGift', 'the gift'), ...ADMIN_ERRORS, '404': error('no such gift') },
        },
      },
      '/api/admin/offline-gifts/{id}/void': {
        post: {
          ...admin, summary: 'Void a wrong entry (it is kept, and leaves the total)', operationId: 'voidOfflineGift',
          description: 'Takes the gift back off the raised total in the same transaction, keeps who voided it, when and why, and sends the donor a correction withdrawing the receipt.',
          parameters: parameters('path', offlineGiftParams), requestBody: body('VoidOfflineGiftRequest'),
          responses: {
            '200': json('OfflineGift', 'voided'), ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS,
            '404': error('no such gift'), '409': error('already voided (`already_voided`)'),
          },
        },
      },
      '/api/admin/offline-gifts/import': {
        post: {
          ...admin, summary: "Import a deposit's offline gifts from CSV", operationId: 'importOfflineGifts',
          description:
            'Columns: date, amount (decimal, in the campaign currency), currency (optional), method (check, bank_transfer, cash), ' +
            'reference, name, email, campaign. Every row is checked first: any bad row refuses the whole file (400, each problem ' +
            'with its `line`) and nothing is written. A row imported before (same content) is skipped, so the same file twice adds ' +
            'nothing. `dryRun=true` checks and says what would be imported, writing nothing. At most 2,000 rows and 256 KB.',
          parameters: parameters('query', QUERIES.offlineImport),
          requestBody: { required: true, content: { 'text/csv': text } },
          responses: {
            '200': json('OfflineImportResult', 'imported (or, dry run, what would be)'),
            ...ADMIN_ERRORS,
            '413': error('the file is over 256 KB'),
            '415': error('not sent as text/csv'),
          },
        },
      },
      '/api/admin/exports/offline.csv': {
        get: {
          ...admin, summary: 'Offline gifts as CSV', operationId: 'exportOfflineGifts',
          description: 'One row per offline gift (voided ones too, `status=voided`), by the day received: method, reference, who entered and voided it. Filters: campaign slug and [from, to) on received_on.',
          parameters: parameters('query', QUERIES.offlineExport),
          responses: { '200': csv('offline gifts'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/exports/matches.csv': {
        get: {
          ...admin, summary: 'Match allocations as CSV, by sponsor (streamed)',
          description: `One row per match a pool gave (sponsor, pool, the gift's reference, donor, gift amount, match first given and now, active or reversed), for invoicing sponsors. Filters: campaign slug, status (active, reversed), and [from, to) on the gift's date as ISO 8601 dates or date-times.`,
          operationId: 'exportMatches', parameters: parameters('query', QUERIES.matchExport),
          responses: { '200': csv('matches'), ...ADMIN_ERRORS, '429': EXPORTS_BUSY },
        },
      },
      '/api/admin/exports/subscribers.csv': {
        get: {
          ...admin, summary: 'Confirmed digest subscribers as CSV, for the newsletter tool',
          description: 'One row per confirmed address: email, name, the consent confirmed (consent_at, source, consent_ip) and the confirmation (confirmed_at, confirm_ip). Pending and unsubscribed addresses are left out.',
          operationId: 'exportSubscribers',
          responses: { '200': csv('subscribers'), '401': ADMIN_ERRORS['401'], '503': ADMIN_ERRORS['503'], '429': EXPORTS_BUSY },
        },
      },
      '/api/admin/reconciliation': {
        get: {
          ...admin, summary: 'Stripe versus database, difference by difference', operationId: 'reconciliation',
          parameters: parameters('query', QUERIES.reconciliation),
          responses: {
            '200': {
              description: 'the report (format=csv: one row per difference)',
              content: { 'application/json': { schema: ref('ReconciliationReport') }, 'text/csv': text },
            },
            ...ADMIN_ERRORS,
            ...STRIPE_ERRORS,
          },
        },
      },
      '/api/admin/webhook-events': {
        get: {
          ...admin, summary: 'Webhook inbox events', operationId: 'listWebhookEvents', parameters: parameters('query', QUERIES.webhookEvents),
          responses: { '200': json('WebhookEventPage', 'a page of events'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/webhook-events/{id}/replay': {
        post: {
          ...admin, summary: 'Apply a failed event again', operationId: 'replayWebhookEvent',
          parameters: parameters('path', webhookEventParams),
          responses: {
            '200': json('ReplayResult', 'the outcome'), ...ADMIN_ERRORS,
            '404': error('no such event'), '409': error('event is not failed'), '503': STRIPE_DOWN,
          },
        },
      },
      '/api/admin/reconcile': {
        post: {
          ...admin, summary: "Fetch what the webhook stream missed from Stripe (same as npm run reconcile)", operationId: 'reconcile',
          requestBody: body('ReconcileRequest'),
          responses: { '200': json('ReconcileSummary', 'summary'), ...ADMIN_ERRORS, ...ADMIN_BODY_ERRORS, ...STRIPE_ERRORS },
        },
      },
    },
    components: {
      securitySchemes: {
        adminKey: { type: 'http', scheme: 'bearer', description: 'An admin key from `npm run admin -- create-key --label NAME`' },
      },
      schemas: componentSchemas(),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
