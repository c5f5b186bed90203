// The published contract, held to the running app: real requests to every operation that
// GET /openapi.json documents, valid and invalid, each answer checked against the document (the
// status is documented for that operation, the media type too, a JSON body validates against its
// schema with Ajv, required headers are there), and every documented status actually produced.
// Real PostgreSQL (and an unreachable one for the 503s), the real SDK against the emulator (with
// its failure modes for 502 and 503), real signatures.
import http from 'node:http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.ts';
import type { StripeEmulator } from 'stripe-emulator';
import { buildApp, emulatorStripe, listen, startEmulator, testConfig } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { insertCampaign } from '../helpers/factories.ts';
import { createContract, type Answer } from '../helpers/openapi-contract.ts';
import { bearer, mintKey } from './admin/admin-fixtures.ts';
import { signed } from './webhooks/webhook-harness.ts';
import { stripeFixture } from '../helpers/stripe-fixtures.ts';

type App = ReturnType<typeof buildApp>;
type Target = 'live' | 'dead' | 'strict' | 'capped';
interface Call {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  raw?: { type: string; body: string };
}

let db: TestDatabase;
let dead: Database;
let emulator: StripeEmulator;
let server: Awaited<ReturnType<typeof listen>>;
const apps = {} as Record<Target, App>;
let contract: ReturnType<typeof createContract>;
let auth: Record<string, string>;
const problems: string[] = [];

const pledge = { campaign: 'winter', amount: 2500, currency: 'usd', frequency: 'once', email: 'donor@example.org' };
const form = { campaign: 'winter', currency: 'usd', amount: '25', frequency: 'once', email: 'donor@example.org' };
const newCampaign = { slug: 'spring', title: 'Spring', goal: 100000, currency: 'usd', startsAt: '2027-03-01', endsAt: '2027-03-31' };
const huge = 'x'.repeat(20_000);
const latin1 = { type: 'application/json; charset=latin1', body: '{"title":"caf\u00e9"}' };

beforeAll(async () => {
  db = await createTestDatabase();
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  server = await listen((req, res) => handler(req, res));
  emulator = await startEmulator({ webhookUrls: [`${server.url}/webhooks/stripe`], deliverWebhooks: false });
  const stripe = emulatorStripe(emulator);
  apps.live = buildApp(db, { stripe, checkoutOrigin: emulator.url });
  handler = apps.live as unknown as http.RequestListener;
  apps.strict = buildApp(db, { stripe, checkoutOrigin: emulator.url, config: testConfig({ PLEDGE_RATE_LIMIT_PER_MINUTE: '1', DIGEST_RATE_LIMIT_PER_MINUTE: '1' }) });
  // Every live stream and export beyond its cap (issue 12): caps of zero, so that each is refused.
  apps.capped = buildApp(db, { stripe, checkoutOrigin: emulator.url, capacity: { streams: { perClient: 0 }, exports: { concurrent: 0 } } });
  // Nothing listens on port 1: every query fails at once, as when the database is down.
  dead = createDatabase('postgresql://127.0.0.1:1/none');
  apps.dead = buildApp(dead, { stripe, checkoutOrigin: emulator.url });

  const served = await request(apps.live).get('/openapi.json').expect(200);
  contract = createContract(served.body);
  await insertCampaign(db, { slug: 'winter' });
  auth = bearer((await mintKey(db)).key);
});
afterAll(async () => {
  await emulator?.stop();
  await server?.close();
  await dead?.close();
  await db?.drop();
});

/** Sends a real request, checks the answer against the document, and returns it. */
async function call(target: Target, method: string, url: string, c: Call = {}): Promise<Answer & { body: any }> {
  let req = request(apps[target])[method.toLowerCase() as 'get'](url);
  if (c.query) req = req.query(c.query);
  for (const [k, v] of Object.entries(c.headers ?? {})) req = req.set(k, v);
  if (c.json !== undefined) req = req.send(c.json as object);
  if (c.form) req = req.type('form').send(c.form);
  if (c.raw) req = req.set('Content-Type', c.raw.type).send(c.raw.body);
  const res = await req.redirects(0);
  const answer = { status: res.status, headers: res.headers, text: res.text ?? '', body: res.body };
  problems.push(...contract.check(method, url, answer).map((p) => `[${target}] ${p}`));
  return answer;
}

/** Delivers a Stripe event as Stripe would: raw JSON signed with the webhook secret. */
const webhook = (target: Target, event: unknown, signature?: string) => {
  const payload = JSON.stringify(event);
  return call(target, 'POST', '/webhooks/stripe', {
    raw: { type: 'application/json', body: payload },
    headers: { 'Stripe-Signature': signature ?? signed(payload) },
  });
};

/** With Stripe refusing (401: 502) or failing (500: 503) every call while `fn` runs. */
async function withStripe<T>(status: 401 | 500, fn: () => Promise<T>): Promise<T> {
  emulator.setFailureMode({ status, times: 50 });
  try {
    return await fn();
  } finally {
    emulator.setFailureMode(null);
  }
}

describe('public operations', () => {
  it('campaigns and progress', async () => {
    await call('live', 'GET', '/api/campaigns');
    await call('dead', 'GET', '/api/campaigns');
    for (const slug of ['winter', 'Not_A_Slug', 'no-such-campaign']) {
      await call('live', 'GET', `/api/campaigns/${slug}`);
      await call('live', 'GET', `/api/campaigns/${slug}/progress`);
    }
    await call('dead', 'GET', '/api/campaigns/winter');
    await call('dead', 'GET', '/api/campaigns/winter/progress');
    const { headers } = await call('live', 'GET', '/api/campaigns/winter/progress');
    expect((await call('live', 'GET', '/api/campaigns/winter/progress', { headers: { 'If-None-Match': String(headers.etag) } })).status).toBe(304);
  });

  it('the progress stream: an event stream whose events carry a Progress object', async () => {
    const first = await new Promise<Answer>((resolve, reject) => {
      const req = http.get(`${server.url}/api/campaigns/winter/progress/stream`, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (/\nevent: progress\n.*\n\n/s.test(`\n${text}`)) {
            req.destroy();
            resolve({ status: res.statusCode!, headers: res.headers, text });
          }
        });
      });
      req.on('error', reject);
    });
    problems.push(...contract.check('GET', '/api/campaigns/winter/progress/stream', first));
    const data = /^data: (.*)$/m.exec(first.text)![1]!;
    expect(contract.validate(contract.schemaOf('Progress'), JSON.parse(data))).toEqual([]);
    for (const slug of ['Not_A_Slug', 'no-such-campaign']) await call('live', 'GET', `/api/campaigns/${slug}/progress/stream`);
    await call('dead', 'GET', '/api/campaigns/winter/progress/stream');
    await call('capped', 'GET', '/api/campaigns/winter/progress/stream');
  });

  it('pledges, as JSON and as the form', async () => {
    const created = await call('live', 'POST', '/api/pledges', { json: pledge, headers: { 'Idempotency-Key': 'contract-1' } });
    expect(created.status).toBe(201);
    await call('live', 'POST', '/api/pledges', { json: pledge, headers: { 'Idempotency-Key': 'contract-1' } });
    await call('live', 'POST', '/api/pledges', { json: { ...pledge, amount: 900 }, headers: { 'Idempotency-Key': 'contract-1' } });
    await call('live', 'POST', '/api/pledges', { json: { ...pledge, amount: 0, frequency: 'weekly' } });
    await call('live', 'POST', '/api/pledges', { json: { ...pledge, message: huge } });
    await call('live', 'POST', '/api/pledges', { raw: { type: 'text/plain', body: 'amount=25' } });
    await call('live', 'POST', '/api/pledges', { raw: { type: 'application/json', body: '{"campaign":' } });
    await withStripe(401, () => call('live', 'POST', '/api/pledges', { json: pledge }));
    await withStripe(500, () => call('live', 'POST', '/api/pledges', { json: pledge }));
    await call('dead', 'POST', '/api/pledges', { json: pledge });
    await call('strict', 'POST', '/api/pledges', { json: pledge });
    const limited = await call('strict', 'POST', '/api/pledges', { json: pledge });
    expect(limited.status).toBe(429);

    const redirected = await call('live', 'POST', '/api/pledges', { form: { ...form, form_token: 'contract-form-token-0001' } });
    expect(redirected.status).toBe(303);
    expect(redirected.headers.location).toMatch(new RegExp(`^${emulator.url}/checkout/cs_`));
    await call('live', 'POST', '/api/pledges', { form: { ...form, amount: '25', custom_amount: '', form_token: 'contract-form-token-0001', email: 'other@example.org' } });
    expect((await call('live', 'POST', '/api/pledges', { form: { ...form, amount: 'lots' } })).headers['content-type']).toMatch(/^text\/html/);
    await call('live', 'POST', '/api/pledges', { form: { ...form, campaign: 'no-such-campaign' } });
    await withStripe(401, () => call('live', 'POST', '/api/pledges', { form }));
    await withStripe(500, () => call('live', 'POST', '/api/pledges', { form }));
  });

  it('the digest sign-up and its one-click unsubscribe', async () => {
    const reader = { email: 'reader@example.org', source: 'widget' };
    expect((await call('live', 'POST', '/api/digest/subscriptions', { json: reader })).status).toBe(202);
    await call('live', 'POST', '/api/digest/subscriptions', { json: { email: 'nope', source: 'donation_form' } });
    await call('live', 'POST', '/api/digest/subscriptions', { json: { ...reader, name: huge } });
    await call('live', 'POST', '/api/digest/subscriptions', { raw: { type: 'text/plain', body: 'email=reader@example.org' } });
    expect((await call('live', 'POST', '/api/digest/subscriptions', { form: reader })).status).toBe(200);
    await call('live', 'POST', '/api/digest/subscriptions', { form: { email: 'nope' } });
    await call('dead', 'POST', '/api/digest/subscriptions', { json: reader });
    await call('strict', 'POST', '/api/digest/subscriptions', { json: reader });
    expect((await call('strict', 'POST', '/api/digest/subscriptions', { json: reader })).status).toBe(429);

    const { rows } = await db.pool.query(`SELECT id::text FROM digest_subscribers WHERE email = 'reader@example.org'`);
    const { signUnsubscribeToken } = await import('../../src/digest/digest-tokens.ts');
    const { loadLinkSecret } = await import('../../src/manage/link-secret.ts');
    const token = signUnsubscribeToken(rows[0].id, await loadLinkSecret(db.prisma, undefined));
    const oneClick = { form: { 'List-Unsubscribe': 'One-Click' } };
    expect((await call('live', 'POST', `/digest/unsubscribe/${token}`, oneClick)).status).toBe(200);
    await call('live', 'POST', `/digest/unsubscribe/${rows[0].id}.${'A'.repeat(43)}`, oneClick);
    await call('dead', 'POST', `/digest/unsubscribe/${token}`, oneClick);
  });

  it('webhooks', async () => {
    await webhook('live', stripeFixture('checkout.session.completed.payment'));
    await webhook('live', stripeFixture('checkout.session.completed.payment')); // duplicate
    await webhook('live', stripeFixture('charge.refunded'));
    await webhook('live', stripeFixture('charge.refunded'), 't=1,v1=0000');
    await call('live', 'POST', '/webhooks/stripe', { raw: { type: 'application/json', body: '{}' } });
    const payout = {
      ...stripeFixture('charge.refunded'), id: 'evt_contract_payout', type: 'payout.paid',
      data: { object: { id: 'po_contract', object: 'payout', amount: 999, currency: 'usd', status: 'paid', arrival_date: Math.floor(Date.now() / 1000) } },
    };
    await withStripe(401, () => webhook('live', payout));
    await withStripe(500, () => webhook('live', payout));
    await webhook('dead', { ...stripeFixture('checkout.session.completed.payment'), id: 'evt_contract_dead' });
  });

  it('health, readiness, this document and the metrics', async () => {
    await call('live', 'GET', '/healthz');
    await call('live', 'GET', '/readyz');
    await call('dead', 'GET', '/readyz');
    await call('live', 'GET', '/openapi.json');
    await call('live', 'GET', '/metrics', { headers: auth });
    await call('live', 'GET', '/metrics');
    await call('dead', 'GET', '/metrics', { headers: auth });
  });
});

describe('admin operations', () => {
  it('campaigns', async () => {
    await call('live', 'POST', '/api/admin/campaigns', { headers: auth, json: newCampaign });
    await call('live', 'POST', '/api/admin/campaigns', { headers: auth, json: newCampaign });
    await call('live', 'POST', '/api/admin/campaigns', { headers: auth, json: { ...newCampaign, slug: 'Not Slug', goal: -1 } });
    await call('live', 'POST', '/api/admin/campaigns', { json: newCampaign });
    await call('live', 'POST', '/api/admin/campaigns', { headers: auth, json: { ...newCampaign, description: huge } });
    await call('live', 'POST', '/api/admin/campaigns', { headers: auth, raw: latin1 });
    await call('dead', 'POST', '/api/admin/campaigns', { headers: auth, json: newCampaign });

    await call('live', 'PATCH', '/api/admin/campaigns/spring', { headers: auth, json: { title: 'Spring appeal' } });
    await call('live', 'PATCH', '/api/admin/campaigns/spring', { headers: auth, json: { slug: 'renamed' } });
    await call('live', 'PATCH', '/api/admin/campaigns/no-such-campaign', { headers: auth, json: { title: 'x' } });
    await call('live', 'PATCH', '/api/admin/campaigns/winter', { headers: auth, json: { currency: 'eur' } }); // it has pledges
    await call('live', 'PATCH', '/api/admin/campaigns/spring', { json: { title: 'x' } });
    await call('live', 'PATCH', '/api/admin/campaigns/spring', { headers: auth, json: { description: huge } });
    await call('live', 'PATCH', '/api/admin/campaigns/spring', { headers: auth, raw: latin1 });
    await call('dead', 'PATCH', '/api/admin/campaigns/spring', { headers: auth, json: { title: 'x' } });
  });

  it('match pools', async () => {
    const pool = { sponsor: 'The Sponsor Foundation', cap: 500_000, multiplier: 2, qualifies: 'first_time' };
    const created = await call('live', 'POST', '/api/admin/campaigns/winter/match-pools', { headers: auth, json: pool });
    expect(created.status).toBe(201);
    await call('live', 'POST', '/api/admin/campaigns/winter/match-pools', { headers: auth, json: { ...pool, cap: -1, multiplier: 11 } });
    await call('live', 'POST', '/api/admin/campaigns/no-such-campaign/match-pools', { headers: auth, json: pool });
    await call('live', 'POST', '/api/admin/campaigns/winter/match-pools', { json: pool });
    await call('live', 'POST', '/api/admin/campaigns/winter/match-pools', { headers: auth, json: { ...pool, sponsor: huge } });
    await call('live', 'POST', '/api/admin/campaigns/winter/match-pools', { headers: auth, raw: latin1 });
    await call('dead', 'POST', '/api/admin/campaigns/winter/match-pools', { headers: auth, json: pool });
    for (const target of ['live', 'dead'] as const) await call(target, 'GET', '/api/admin/campaigns/winter/match-pools', { headers: auth });
    await call('live', 'GET', '/api/admin/campaigns/Not_A_Slug/match-pools', { headers: auth });
    await call('live', 'GET', '/api/admin/campaigns/no-such-campaign/match-pools', { headers: auth });
    await call('live', 'GET', '/api/admin/campaigns/winter/match-pools');
    const id = created.body.id as string;
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, path, json] of [
      ['GET', `/api/admin/match-pools/${id}`, undefined],
      ['PATCH', `/api/admin/match-pools/${id}`, { cap: 600_000 }],
      ['POST', `/api/admin/match-pools/${id}/close`, undefined],
    ] as const) {
      const bad = path.replace(id, 'not-a-pool');
      await call('live', method, path, { headers: auth, json });
      await call('live', method, bad, { headers: auth, json });
      await call('live', method, path.replace(id, missing), { headers: auth, json });
      await call('live', method, path, { json });
      await call('dead', method, path, { headers: auth, json });
    }
    await call('live', 'PATCH', `/api/admin/match-pools/${id}`, { headers: auth, json: { sponsor: huge } });
    await call('live', 'PATCH', `/api/admin/match-pools/${id}`, { headers: auth, raw: latin1 });
  });

  it('pledges, exports and the webhook inbox', async () => {
    for (const path of ['/api/admin/pledges', '/api/admin/exports/payments.csv', '/api/admin/exports/pledges.csv', '/api/admin/exports/payouts.csv', '/api/admin/exports/matches.csv', '/api/admin/webhook-events']) {
      await call('live', 'GET', path, { headers: auth });
      await call('live', 'GET', path, { headers: auth, query: { campaign: 'winter' } });
      await call('live', 'GET', path, { headers: auth, query: { status: 'no-such-status' } });
      await call('live', 'GET', path);
      await call('dead', 'GET', path, { headers: auth });
    }
    await call('live', 'GET', '/api/admin/exports/subscribers.csv', { headers: auth });
    await call('live', 'GET', '/api/admin/exports/subscribers.csv');
    await call('dead', 'GET', '/api/admin/exports/subscribers.csv', { headers: auth });
    for (const kind of ['payments', 'pledges', 'payouts', 'subscribers', 'matches']) await call('capped', 'GET', `/api/admin/exports/${kind}.csv`, { headers: auth });
    await call('live', 'GET', '/api/admin/pledges', { headers: auth, query: { limit: '2', status: 'pending' } });
    await call('live', 'GET', '/api/admin/webhook-events', { headers: auth, query: { status: 'failed' } });
  });

  it('offline gifts: record, list, read, void, import and export', async () => {
    const gift = { campaign: 'winter', amount: 5000, currency: 'usd', receivedOn: '2026-11-30', method: 'check', reference: '77', email: 'donor@example.org' };
    const keyed = { ...auth, 'Idempotency-Key': 'contract-offline-1' };
    const made = await call('live', 'POST', '/api/admin/offline-gifts', { headers: keyed, json: gift });
    expect(made.status).toBe(201);
    await call('live', 'POST', '/api/admin/offline-gifts', { headers: keyed, json: gift });
    await call('live', 'POST', '/api/admin/offline-gifts', { headers: keyed, json: { ...gift, amount: 6000 } });
    await call('live', 'POST', '/api/admin/offline-gifts', { headers: auth, json: { ...gift, method: 'card' } });
    await call('live', 'POST', '/api/admin/offline-gifts', { json: gift });
    await call('live', 'POST', '/api/admin/offline-gifts', { headers: auth, json: { ...gift, reference: huge } });
    await call('live', 'POST', '/api/admin/offline-gifts', { headers: auth, raw: latin1 });
    await call('dead', 'POST', '/api/admin/offline-gifts', { headers: auth, json: gift });

    await call('live', 'GET', '/api/admin/offline-gifts', { headers: auth, query: { campaign: 'winter', limit: '1' } });
    await call('live', 'GET', '/api/admin/offline-gifts', { headers: auth, query: { limit: '0' } });
    await call('live', 'GET', '/api/admin/offline-gifts');
    await call('dead', 'GET', '/api/admin/offline-gifts', { headers: auth });

    const one = `/api/admin/offline-gifts/${made.body.id}`;
    const nobody = '/api/admin/offline-gifts/00000000-0000-4000-8000-000000000000';
    await call('live', 'GET', one, { headers: auth });
    await call('live', 'GET', nobody, { headers: auth });
    await call('live', 'GET', '/api/admin/offline-gifts/not-an-id', { headers: auth });
    await call('live', 'GET', one);
    await call('dead', 'GET', one, { headers: auth });

    await call('live', 'POST', `${one}/void`, { headers: auth, json: { reason: '' } });
    expect((await call('live', 'POST', `${one}/void`, { headers: auth, json: { reason: 'Entered twice' } })).status).toBe(200);
    await call('live', 'POST', `${one}/void`, { headers: auth, json: { reason: 'Again' } });
    await call('live', 'POST', `${nobody}/void`, { headers: auth, json: { reason: 'x' } });
    await call('live', 'POST', `${one}/void`, { json: { reason: 'x' } });
    await call('live', 'POST', `${one}/void`, { headers: auth, json: { reason: huge } });
    await call('live', 'POST', `${one}/void`, { headers: auth, raw: latin1 });
    await call('dead', 'POST', `${one}/void`, { headers: auth, json: { reason: 'x' } });

    const file = 'date,amount,method,reference,campaign\n2026-11-30,25.00,check,78,winter\n';
    const importing = (query: Record<string, string>) => ({ headers: auth, query, raw: { type: 'text/csv', body: file } });
    await call('live', 'POST', '/api/admin/offline-gifts/import', importing({ dryRun: 'true' }));
    await call('live', 'POST', '/api/admin/offline-gifts/import', importing({}));
    await call('live', 'POST', '/api/admin/offline-gifts/import', { headers: auth, raw: { type: 'text/csv', body: 'date,amount\n1,2\n' } });
    await call('live', 'POST', '/api/admin/offline-gifts/import', { ...importing({}), headers: {} });
    await call('live', 'POST', '/api/admin/offline-gifts/import', { headers: auth, raw: { type: 'text/csv', body: file + 'x'.repeat(300_000) } });
    await call('live', 'POST', '/api/admin/offline-gifts/import', { headers: auth, json: { file } });
    await call('dead', 'POST', '/api/admin/offline-gifts/import', importing({}));

    await call('live', 'GET', '/api/admin/exports/offline.csv', { headers: auth, query: { from: '2026-11-01', to: '2026-12-01' } });
    await call('live', 'GET', '/api/admin/exports/offline.csv', { headers: auth, query: { from: 'last week' } });
    await call('live', 'GET', '/api/admin/exports/offline.csv');
    await call('dead', 'GET', '/api/admin/exports/offline.csv', { headers: auth });
  });

  it('replaying a webhook event', async () => {
    // An event that can never apply (its object has no id) is stored as failed: replayable.
    const broken = structuredClone(stripeFixture('checkout.session.completed.payment'));
    broken.id = 'evt_contract_broken';
    delete broken.data.object.id;
    await webhook('live', broken);
    await call('live', 'POST', '/api/admin/webhook-events/evt_contract_broken/replay', { headers: auth });
    // A failed event that must read Stripe to apply, while Stripe refuses or fails.
    const payout = {
      ...stripeFixture('charge.refunded'), id: 'evt_contract_failed_payout', type: 'payout.paid',
      data: { object: { id: 'po_contract_2', object: 'payout', amount: 999, currency: 'usd', status: 'paid', arrival_date: Math.floor(Date.now() / 1000) } },
    };
    await db.pool.query(
      `INSERT INTO webhook_events (id, type, payload, status, attempts, last_error, source, stripe_created_at)
       VALUES ($1, $2, $3, 'failed', 1, 'Stripe unreachable', 'webhook', now())`,
      [payout.id, payout.type, JSON.stringify(payout)],
    );
    await withStripe(401, () => call('live', 'POST', `/api/admin/webhook-events/${payout.id}/replay`, { headers: auth }));
    await withStripe(500, () => call('live', 'POST', `/api/admin/webhook-events/${payout.id}/replay`, { headers: auth }));
    const processed = stripeFixture('checkout.session.completed.payment').id;
    await call('live', 'POST', `/api/admin/webhook-events/${processed}/replay`, { headers: auth });
    await call('live', 'POST', '/api/admin/webhook-events/evt_no_such_event/replay', { headers: auth });
    await call('live', 'POST', '/api/admin/webhook-events/not-an-event-id/replay', { headers: auth });
    await call('live', 'POST', '/api/admin/webhook-events/evt_contract_broken/replay');
    await call('dead', 'POST', '/api/admin/webhook-events/evt_contract_broken/replay', { headers: auth });
  });

  it('reconciliation and reconcile', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const window = { from: day(-30), to: day(1) };
    await call('live', 'GET', '/api/admin/reconciliation', { headers: auth, query: window });
    await call('live', 'GET', '/api/admin/reconciliation', { headers: auth, query: { ...window, format: 'csv' } });
    await call('live', 'GET', '/api/admin/reconciliation', { headers: auth, query: { from: day(-200), to: day(1) } });
    await call('live', 'GET', '/api/admin/reconciliation', { query: window });
    await withStripe(401, () => call('live', 'GET', '/api/admin/reconciliation', { headers: auth, query: window }));
    await withStripe(500, () => call('live', 'GET', '/api/admin/reconciliation', { headers: auth, query: window }));
    await call('dead', 'GET', '/api/admin/reconciliation', { headers: auth, query: window });

    await call('live', 'POST', '/api/admin/reconcile', { headers: auth, json: { since: day(-2) } });
    await call('live', 'POST', '/api/admin/reconcile', { headers: auth, json: { since: 'last week' } });
    await call('live', 'POST', '/api/admin/reconcile', { json: { since: day(-2) } });
    await call('live', 'POST', '/api/admin/reconcile', { headers: auth, json: { since: day(-2), note: huge } });
    await call('live', 'POST', '/api/admin/reconcile', { headers: auth, raw: latin1 });
    await withStripe(401, () => call('live', 'POST', '/api/admin/reconcile', { headers: auth, json: { since: day(-2) } }));
    await withStripe(500, () => call('live', 'POST', '/api/admin/reconcile', { headers: auth, json: { since: day(-2) } }));
    await call('dead', 'POST', '/api/admin/reconcile', { headers: auth, json: { since: day(-2) } });
  });
});

describe('the document against what the app did', () => {
  it('every answer was documented: status, media type, schema, headers', () => {
    expect(problems).toEqual([]);
  });

  // Every operation but /healthz and /openapi.json (nothing makes them fail) documents an error
  // status, so producing every documented status calls each one both validly and invalidly.
  it('every documented operation was called, valid and invalid, and every documented status happened', () => {
    const gaps = contract.gaps();
    expect(gaps.operations).toEqual([]);
    expect(gaps.statuses).toEqual([]);
  });
});
