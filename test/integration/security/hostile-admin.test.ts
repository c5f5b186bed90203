// Hostile input on every /api/admin route, with a valid key: a trusted caller's mistakes and a
// stolen key's probing alike get their 4xx and error code, and write nothing.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, expectNothingWritten, hostileSetup, SQL_INJECTIONS, type Hostile } from './hostile-harness.ts';
import { bearer } from './hostile-harness.ts';

let h: Hostile;
beforeAll(async () => {
  h = await hostileSetup();
  // One authenticated request first, so the key's once-a-minute lastUsedAt write is done.
  await request(h.app).get('/api/admin/pledges').set(bearer(h.adminKey)).expect(200);
});
afterAll(async () => {
  await h.close();
});

const newCampaign = {
  slug: 'year-end-2027', title: 'Year end', goal: 1_000_000, currency: 'usd', startsAt: '2027-12-01', endsAt: '2027-12-31',
};
const MB = 'x'.repeat(1 << 20);

type Case = [label: string, method: 'get' | 'post' | 'patch', path: string, body: unknown, status: number, code: string];

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const LIST_ROUTES = ['/api/admin/pledges', '/api/admin/exports/payments.csv', '/api/admin/exports/pledges.csv', '/api/admin/exports/payouts.csv'];

const CASES: Case[] = [
  // POST /api/admin/campaigns
  ['create: body is an array', 'post', '/api/admin/campaigns', [newCampaign], 400, 'validation_failed'],
  ['create: goal as string', 'post', '/api/admin/campaigns', { ...newCampaign, goal: '1000000' }, 400, 'validation_failed'],
  ['create: goal negative', 'post', '/api/admin/campaigns', { ...newCampaign, goal: -1 }, 400, 'validation_failed'],
  ['create: goal float', 'post', '/api/admin/campaigns', { ...newCampaign, goal: 1000.5 }, 400, 'validation_failed'],
  ['create: goal 1e300', 'post', '/api/admin/campaigns', { ...newCampaign, goal: 1e300 }, 400, 'validation_failed'],
  ['create: goal beyond safe integers', 'post', '/api/admin/campaigns', { ...newCampaign, goal: 2 ** 53 + 2 }, 400, 'validation_failed'],
  ['create: preset amounts with a float', 'post', '/api/admin/campaigns', { ...newCampaign, presetAmounts: [1000, 25.5] }, 400, 'validation_failed'],
  ['create: preset amounts negative', 'post', '/api/admin/campaigns', { ...newCampaign, presetAmounts: [-1000] }, 400, 'validation_failed'],
  ['create: 9 preset amounts', 'post', '/api/admin/campaigns', { ...newCampaign, presetAmounts: [100, 200, 300, 400, 500, 600, 700, 800, 900] }, 400, 'validation_failed'],
  ['create: preset amounts as an object', 'post', '/api/admin/campaigns', { ...newCampaign, presetAmounts: { 0: 1000 } }, 400, 'validation_failed'],
  ['create: slug traversal', 'post', '/api/admin/campaigns', { ...newCampaign, slug: '../../etc' }, 400, 'validation_failed'],
  ['create: slug uppercase', 'post', '/api/admin/campaigns', { ...newCampaign, slug: 'Year-End' }, 400, 'validation_failed'],
  ['create: slug homoglyph', 'post', '/api/admin/campaigns', { ...newCampaign, slug: 'yеar-end' }, 400, 'validation_failed'],
  ['create: slug with NUL', 'post', '/api/admin/campaigns', { ...newCampaign, slug: 'year\u0000end' }, 400, 'validation_failed'],
  ['create: title with RTL override', 'post', '/api/admin/campaigns', { ...newCampaign, title: 'Give \u202Eevig' }, 400, 'validation_failed'],
  ['create: title with zero-width space', 'post', '/api/admin/campaigns', { ...newCampaign, title: 'Gi\u200Bve' }, 400, 'validation_failed'],
  ['create: title empty', 'post', '/api/admin/campaigns', { ...newCampaign, title: '   ' }, 400, 'validation_failed'],
  ['create: title 1 MB', 'post', '/api/admin/campaigns', { ...newCampaign, title: MB }, 413, 'payload_too_large'],
  ['create: description with a lone surrogate', 'post', '/api/admin/campaigns', { ...newCampaign, description: 'a\uDC00b' }, 400, 'validation_failed'],
  ['create: currency not supported', 'post', '/api/admin/campaigns', { ...newCampaign, currency: 'xxx' }, 400, 'validation_failed'],
  ['create: currency as SQL', 'post', '/api/admin/campaigns', { ...newCampaign, currency: "usd'--" }, 400, 'validation_failed'],
  ['create: timezone traversal', 'post', '/api/admin/campaigns', { ...newCampaign, timezone: '../../../etc/localtime' }, 400, 'validation_failed'],
  ['create: timezone invented', 'post', '/api/admin/campaigns', { ...newCampaign, timezone: 'Mars/Olympus_Mons' }, 400, 'validation_failed'],
  ['create: startsAt not a date', 'post', '/api/admin/campaigns', { ...newCampaign, startsAt: 'tomorrow' }, 400, 'validation_failed'],
  ['create: startsAt 30 February', 'post', '/api/admin/campaigns', { ...newCampaign, startsAt: '2027-02-30' }, 400, 'validation_failed'],
  ['create: startsAt as a number', 'post', '/api/admin/campaigns', { ...newCampaign, startsAt: 1_800_000_000 }, 400, 'validation_failed'],
  ['create: ends before it starts', 'post', '/api/admin/campaigns', { ...newCampaign, startsAt: '2027-12-31', endsAt: '2027-12-01' }, 400, 'validation_failed'],
  ['create: an id field', 'post', '/api/admin/campaigns', { ...newCampaign, id: '00000000-0000-0000-0000-000000000000' }, 400, 'validation_failed'],
  ['create: constructor.prototype', 'post', '/api/admin/campaigns', { ...newCampaign, constructor: { prototype: { isAdmin: true } } }, 400, 'validation_failed'],
  ['create: an existing slug', 'post', '/api/admin/campaigns', { ...newCampaign, slug: 'open-usd' }, 409, 'conflict'],
  ...SQL_INJECTIONS.map((s): Case => [`create: SQL slug ${s}`, 'post', '/api/admin/campaigns', { ...newCampaign, slug: s }, 400, 'validation_failed']),
  // PATCH /api/admin/campaigns/:slug
  ['update: empty body', 'patch', '/api/admin/campaigns/open-usd', {}, 400, 'validation_failed'],
  ['update: the slug itself', 'patch', '/api/admin/campaigns/open-usd', { slug: 'renamed' }, 400, 'validation_failed'],
  ['update: goal zero', 'patch', '/api/admin/campaigns/open-usd', { goal: 0 }, 400, 'validation_failed'],
  ['update: goal null', 'patch', '/api/admin/campaigns/open-usd', { goal: null }, 400, 'validation_failed'],
  ['update: title with NUL', 'patch', '/api/admin/campaigns/open-usd', { title: 'a\u0000' }, 400, 'validation_failed'],
  ['update: unknown campaign', 'patch', '/api/admin/campaigns/no-such', { title: 'x' }, 404, 'not_found'],
  ['update: slug param traversal', 'patch', `/api/admin/campaigns/${encodeURIComponent('../open-usd')}`, { title: 'x' }, 400, 'validation_failed'],
  ['update: slug param undecodable', 'patch', '/api/admin/campaigns/%C0%AE%C0%AE', { title: 'x' }, 400, 'bad_request'],
  ...SQL_INJECTIONS.map((s): Case => [`update: SQL slug param ${s}`, 'patch', `/api/admin/campaigns/${encodeURIComponent(s)}`, { title: 'x' }, 400, 'validation_failed']),
  // the listings and exports: every query parameter
  ...LIST_ROUTES.flatMap((path): Case[] => [
    [`${path}: campaign SQL`, 'get', `${path}?${q({ campaign: SQL_INJECTIONS[0]! })}`, undefined, 400, 'validation_failed'],
    [`${path}: status SQL`, 'get', `${path}?${q({ status: SQL_INJECTIONS[1]! })}`, undefined, 400, 'validation_failed'],
    [`${path}: from SQL`, 'get', `${path}?${q({ from: SQL_INJECTIONS[2]! })}`, undefined, 400, 'validation_failed'],
    [`${path}: to before from`, 'get', `${path}?${q({ from: '2026-12-02', to: '2026-12-01' })}`, undefined, 400, 'validation_failed'],
    [`${path}: from as an array`, 'get', `${path}?from=2026-12-01&from=2026-12-02`, undefined, 400, 'validation_failed'],
    [`${path}: status as an object`, 'get', `${path}?status[$ne]=x`, undefined, 400, 'validation_failed'],
    [`${path}: an unknown parameter`, 'get', `${path}?orderBy=${encodeURIComponent('id; DROP TABLE payments')}`, undefined, 400, 'validation_failed'],
    [`${path}: __proto__ parameter`, 'get', `${path}?__proto__[x]=1&constructor[prototype][x]=1`, undefined, 400, 'validation_failed'],
    [`${path}: year 275760`, 'get', `${path}?from=275760-09-14`, undefined, 400, 'validation_failed'],
  ]),
  ['pledges: limit 0', 'get', '/api/admin/pledges?limit=0', undefined, 400, 'validation_failed'],
  ['pledges: limit 1e9', 'get', '/api/admin/pledges?limit=1000000000', undefined, 400, 'validation_failed'],
  ['pledges: limit negative', 'get', '/api/admin/pledges?limit=-5', undefined, 400, 'validation_failed'],
  ['pledges: limit float', 'get', '/api/admin/pledges?limit=2.5', undefined, 400, 'validation_failed'],
  ['pledges: limit text', 'get', '/api/admin/pledges?limit=all', undefined, 400, 'validation_failed'],
  ['pledges: cursor SQL', 'get', `/api/admin/pledges?${q({ cursor: SQL_INJECTIONS[0]! })}`, undefined, 400, 'validation_failed'],
  ['pledges: cursor traversal', 'get', '/api/admin/pledges?cursor=..%2F..%2Fetc', undefined, 400, 'validation_failed'],
  ['pledges: cursor that is not one of ours', 'get', '/api/admin/pledges?cursor=AAAAAAAAAAAAAAAA', undefined, 400, 'validation_failed'],
  ['pledges: cursor 1 KB', 'get', `/api/admin/pledges?cursor=${'A'.repeat(1024)}`, undefined, 400, 'validation_failed'],
  // reconciliation
  ['reconciliation: no window', 'get', '/api/admin/reconciliation', undefined, 400, 'validation_failed'],
  ['reconciliation: window over 92 days', 'get', '/api/admin/reconciliation?from=2026-01-01&to=2026-12-01', undefined, 400, 'validation_failed'],
  ['reconciliation: format xml', 'get', '/api/admin/reconciliation?from=2026-11-01&to=2026-12-01&format=xml', undefined, 400, 'validation_failed'],
  ['reconciliation: SQL from', 'get', `/api/admin/reconciliation?${q({ from: SQL_INJECTIONS[0]!, to: '2026-12-01' })}`, undefined, 400, 'validation_failed'],
  // webhook events
  ['webhook-events: status SQL', 'get', `/api/admin/webhook-events?${q({ status: SQL_INJECTIONS[0]! })}`, undefined, 400, 'validation_failed'],
  ['webhook-events: type SQL', 'get', `/api/admin/webhook-events?${q({ type: SQL_INJECTIONS[1]! })}`, undefined, 400, 'validation_failed'],
  ['webhook-events: limit 201', 'get', '/api/admin/webhook-events?limit=201', undefined, 400, 'validation_failed'],
  ['replay: id SQL', 'post', `/api/admin/webhook-events/${encodeURIComponent(SQL_INJECTIONS[0]!)}/replay`, undefined, 400, 'validation_failed'],
  ['replay: id traversal', 'post', `/api/admin/webhook-events/${encodeURIComponent('../../admin_keys')}/replay`, undefined, 400, 'validation_failed'],
  ['replay: id with NUL', 'post', '/api/admin/webhook-events/evt_1%00/replay', undefined, 400, 'validation_failed'],
  ['replay: unknown event', 'post', '/api/admin/webhook-events/evt_does_not_exist/replay', undefined, 404, 'not_found'],
  // reconcile
  ['reconcile: no since', 'post', '/api/admin/reconcile', {}, 400, 'validation_failed'],
  ['reconcile: since SQL', 'post', '/api/admin/reconcile', { since: SQL_INJECTIONS[0] }, 400, 'validation_failed'],
  ['reconcile: since as a number', 'post', '/api/admin/reconcile', { since: 0 }, 400, 'validation_failed'],
  ['reconcile: extra field', 'post', '/api/admin/reconcile', { since: '2026-11-01', all: true }, 400, 'validation_failed'],
  // no such route, even with a key
  ['unknown admin route', 'get', '/api/admin/keys', undefined, 404, 'not_found'],
  ['unknown admin route by traversal', 'get', '/api/admin/exports/..%2F..%2Fpackage.json', undefined, 404, 'not_found'],
];

describe('admin routes refuse hostile input, even with a valid key', () => {
  it.each(CASES)('%s (%s %s) -> %i %s, nothing written', async (_label, method, path, body, status, code) => {
    const res = await expectNothingWritten(h, () => {
      const r = request(h.app)[method](path).set(bearer(h.adminKey)).set('Accept', 'application/json');
      return body === undefined ? r : r.set('Content-Type', 'application/json').send(JSON.stringify(body));
    });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.error.code).toBe(code);
    expectNoLeak(res.text);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it.each([
    ['10,000 nested arrays', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 413, 'payload_too_large'],
    ['5,000 nested arrays', `${'['.repeat(5_000)}${']'.repeat(5_000)}`, 400, 'validation_failed'],
    ['duplicate keys, last bad', JSON.stringify(newCampaign).replace('"goal":1000000', '"goal":1000000,"goal":-1'), 400, 'validation_failed'],
    ['not JSON', '{slug:', 400, 'invalid_body'],
  ])('create with %s -> %i %s', async (_label, body, status, code) => {
    const res = await expectNothingWritten(h, () =>
      request(h.app).post('/api/admin/campaigns').set(bearer(h.adminKey)).set('Content-Type', 'application/json').send(body),
    );
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});
