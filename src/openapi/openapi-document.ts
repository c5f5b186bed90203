// GET /openapi.json: an OpenAPI 3.1 document generated from the zod schemas the routes validate
// with (and from response-schemas.ts for answers), so documentation and validation cannot drift.
// Every named schema goes into one zod registry and is converted in one pass, so shared pieces
// become $refs to #/components/schemas.
import { z } from 'zod';
import {
  createCampaignSchema, paymentExportQuery, pledgeExportQuery, pledgeListQuery, payoutExportQuery, reconcileRequest,
  reconciliationQuery, updateCampaignSchema, webhookEventListQuery,
} from '../admin/admin-schemas.ts';
import { idempotencyKeySchema, pledgeRequestSchema, pledgeResponseSchema } from '../pledges/pledge-schemas.ts';
import * as responses from './response-schemas.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

const BODIES = {
  PledgeRequest: pledgeRequestSchema,
  CreateCampaignRequest: createCampaignSchema,
  UpdateCampaignRequest: updateCampaignSchema,
  ReconcileRequest: reconcileRequest,
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
} as const;

const QUERIES = {
  pledgeList: pledgeListQuery,
  pledgeExport: pledgeExportQuery,
  paymentExport: paymentExportQuery,
  payoutExport: payoutExportQuery,
  reconciliation: reconciliationQuery,
  webhookEvents: webhookEventListQuery,
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

function queryParameters(schema: z.ZodType): Array<Record<string, unknown>> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

const ref = (name: keyof typeof ANSWERS | keyof typeof BODIES) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof ANSWERS, description: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const csv = (description: string) => ({ description, content: { 'text/csv': { schema: { type: 'string' } } } });
const error = (description: string) => json('Error', description);
const body = (name: keyof typeof BODIES) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const slugParameter = { name: 'slug', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' } };

const ADMIN_ERRORS = {
  '400': error('invalid parameters; `details` names each field'),
  '401': error('no, a malformed, an unknown or a revoked admin key'),
};

const exportFilters = 'Filters: campaign slug, status, and [from, to) as ISO 8601 dates or date-times.';

export function buildOpenApiDocument(options: { serverUrl?: string } = {}) {
  const admin = { security: [{ adminKey: [] }], tags: ['admin'] };
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
    tags: [{ name: 'public' }, { name: 'admin' }],
    paths: {
      '/api/campaigns': {
        get: { tags: ['public'], summary: 'List campaigns', operationId: 'listCampaigns', responses: { '200': json('CampaignList', 'campaigns') } },
      },
      '/api/campaigns/{slug}': {
        get: {
          tags: ['public'], summary: 'One campaign', operationId: 'getCampaign', parameters: [slugParameter],
          responses: { '200': json('Campaign', 'the campaign'), '400': error('bad slug'), '404': error('no such campaign') },
        },
      },
      '/api/campaigns/{slug}/progress': {
        get: {
          tags: ['public'], summary: "A campaign's progress toward its goal", operationId: 'getProgress', parameters: [slugParameter],
          responses: { '200': json('Progress', 'progress'), '400': error('bad slug'), '404': error('no such campaign') },
        },
      },
      '/api/pledges': {
        post: {
          tags: ['public'], summary: 'Pledge a donation and get a Stripe Checkout URL', operationId: 'createPledge',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: z.toJSONSchema(idempotencyKeySchema, { io: 'input' }) }],
          requestBody: body('PledgeRequest'),
          responses: {
            '201': json('PledgeResponse', 'the pledge, with where to send the donor'),
            '400': error('invalid field (named in details)'),
            '409': error('same Idempotency-Key with a different body'),
            '415': error('not JSON'),
            '429': error('rate limited'),
            '503': error('database or Stripe unavailable'),
          },
        },
      },
      '/healthz': { get: { tags: ['public'], summary: 'Liveness', operationId: 'healthz', responses: { '200': json('Health', 'up') } } },
      '/readyz': {
        get: { tags: ['public'], summary: 'Readiness', operationId: 'readyz', responses: { '200': json('Health', 'database reachable'), '503': error('database unreachable') } },
      },
      '/openapi.json': {
        get: { tags: ['public'], summary: 'This document', operationId: 'openapi', responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/api/admin/campaigns': {
        post: {
          ...admin, summary: 'Create a campaign', operationId: 'createCampaign', requestBody: body('CreateCampaignRequest'),
          responses: { '201': json('Campaign', 'created'), ...ADMIN_ERRORS, '409': error('slug taken') },
        },
      },
      '/api/admin/campaigns/{slug}': {
        patch: {
          ...admin, summary: 'Change a campaign', operationId: 'updateCampaign', parameters: [slugParameter], requestBody: body('UpdateCampaignRequest'),
          responses: { '200': json('Campaign', 'updated'), ...ADMIN_ERRORS, '404': error('no such campaign'), '409': error('currency change with pledges') },
        },
      },
      '/api/admin/pledges': {
        get: {
          ...admin, summary: 'Pledges, newest first, in pages', operationId: 'listPledges', parameters: queryParameters(QUERIES.pledgeList),
          responses: { '200': json('AdminPledgePage', 'a page of pledges'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/exports/payments.csv': {
        get: {
          ...admin, summary: 'Payments as CSV (streamed)', description: `One row per payment. ${exportFilters} Dates filter paid_at.`,
          operationId: 'exportPayments', parameters: queryParameters(QUERIES.paymentExport),
          responses: { '200': csv('payments'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/exports/pledges.csv': {
        get: {
          ...admin, summary: 'Pledges as CSV (streamed)', description: `One row per pledge, any status. ${exportFilters} Dates filter created_at.`,
          operationId: 'exportPledges', parameters: queryParameters(QUERIES.pledgeExport),
          responses: { '200': csv('pledges'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/exports/payouts.csv': {
        get: {
          ...admin, summary: 'Payouts with the sums of their payments (CSV)',
          description: `One row per payout: Stripe's amount beside the sum of its payments' gross, fee and net. ${exportFilters} Dates filter arrival_date.`,
          operationId: 'exportPayouts', parameters: queryParameters(QUERIES.payoutExport),
          responses: { '200': csv('payouts'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/reconciliation': {
        get: {
          ...admin, summary: 'Stripe versus database, difference by difference', operationId: 'reconciliation',
          parameters: queryParameters(QUERIES.reconciliation),
          responses: {
            '200': {
              description: 'the report (format=csv: one row per difference)',
              content: { 'application/json': { schema: ref('ReconciliationReport') }, 'text/csv': { schema: { type: 'string' } } },
            },
            ...ADMIN_ERRORS,
            '503': error('Stripe unreachable'),
          },
        },
      },
      '/api/admin/webhook-events': {
        get: {
          ...admin, summary: 'Webhook inbox events', operationId: 'listWebhookEvents', parameters: queryParameters(QUERIES.webhookEvents),
          responses: { '200': json('WebhookEventPage', 'a page of events'), ...ADMIN_ERRORS },
        },
      },
      '/api/admin/webhook-events/{id}/replay': {
        post: {
          ...admin, summary: 'Apply a failed event again', operationId: 'replayWebhookEvent',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': json('ReplayResult', 'the outcome'), ...ADMIN_ERRORS, '404': error('no such event'), '409': error('event is not failed') },
        },
      },
      '/api/admin/reconcile': {
        post: {
          ...admin, summary: "Fetch what the webhook stream missed from Stripe (same as npm run reconcile)", operationId: 'reconcile',
          requestBody: body('ReconcileRequest'),
          responses: { '200': json('ReconcileSummary', 'summary'), ...ADMIN_ERRORS, '503': error('Stripe unreachable') },
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
