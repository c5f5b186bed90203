// Hostile input on the public read side: the campaign API, progress (JSON and stream), the pages
// and the static assets. Each request gets its 4xx (and its error code where the answer is JSON),
// nothing is written, Stripe is not called, and nothing internal leaks.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../helpers/app.ts';
import {
  expectNoLeak, expectNothingWritten, hostileSetup, rawRequest, SQL_INJECTIONS, UNICODE_TRICKS, type Hostile,
} from './hostile-harness.ts';

let h: Hostile;
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  h = await hostileSetup();
  server = await listen(h.app);
});
afterAll(async () => {
  await server.close();
  await h.close();
});

const JSON_ROUTES = [
  (slug: string) => `/api/campaigns/${slug}`,
  (slug: string) => `/api/campaigns/${slug}/progress`,
  (slug: string) => `/api/campaigns/${slug}/progress/stream`,
];

// [label, slug as it goes on the wire (already encoded), status, code]
const SLUGS: Array<[string, string, number, string]> = [
  ...SQL_INJECTIONS.map((s): [string, string, number, string] => [`SQL ${s}`, encodeURIComponent(s), 400, 'validation_failed']),
  ...UNICODE_TRICKS.map(([label, s]): [string, string, number, string] => [label, encodeURIComponent(s), 400, 'validation_failed']),
  ['encoded traversal', '..%2F..%2Fetc%2Fpasswd', 400, 'validation_failed'],
  ['dot-dot encoded', '%2e%2e', 400, 'validation_failed'],
  ['backslash traversal', '..%5C..%5Cwindows', 400, 'validation_failed'],
  ['uppercase', 'OPEN-USD', 400, 'validation_failed'],
  ['65 characters', 'a'.repeat(65), 400, 'validation_failed'],
  ['double hyphen', 'open--usd', 400, 'validation_failed'],
  ['CRLF', 'open%0D%0ASet-Cookie:%20x=1', 400, 'validation_failed'],
  ['malformed percent-encoding', 'open%E0%A4%A', 400, 'bad_request'],
  ['overlong UTF-8 dot', '%C0%AE%C0%AE', 400, 'bad_request'],
  ['invalid UTF-8 byte', 'open%FF', 400, 'bad_request'],
  ['prototype key', '__proto__', 400, 'validation_failed'],
  ['unknown campaign', 'no-such-campaign', 404, 'not_found'],
];

describe('campaign API, progress and stream refuse hostile slugs', () => {
  for (const route of JSON_ROUTES) {
    it.each(SLUGS)(`${route(':slug')}: %s (%s) -> %i %s`, async (_label, slug, status, code) => {
      const res = await expectNothingWritten(h, () => request(h.app).get(route(slug)).set('Accept', 'application/json'));
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.error.code).toBe(code);
      expectNoLeak(res.text);
    });
  }

  it.each([
    ['GET /api/campaigns/:slug', '/api/campaigns/open-usd'],
    ['GET /api/campaigns/:slug/progress', '/api/campaigns/open-usd/progress'],
  ])('%s: a 1 MB path is refused by the HTTP parser (431), nothing written', async (_label, path) => {
    // Node answers 431 and closes; the socket may be reset while the rest of the megabyte is written.
    const res = await expectNothingWritten(h, () =>
      rawRequest(server, { method: 'GET', path: `${path}?q=${'x'.repeat(1 << 20)}` }).catch((e: { code?: string }) => ({ status: e.code })),
    );
    expect([431, 'ECONNRESET', 'EPIPE']).toContain(res.status);
  });

  it.each(SQL_INJECTIONS)('query parameters are ignored, never interpreted: ?campaign=%s', async (s) => {
    const res = await expectNothingWritten(h, () => request(h.app).get(`/api/campaigns/open-usd/progress?campaign=${encodeURIComponent(s)}&slug=${encodeURIComponent(s)}`));
    expect(res.status).toBe(200);
    expect(res.body.campaign).toBe('open-usd');
  });

  it.each([
    ['POST', '/api/campaigns/open-usd'],
    ['PUT', '/api/campaigns/open-usd/progress'],
    ['DELETE', '/api/campaigns/open-usd'],
    ['PATCH', '/api/campaigns'],
  ])('%s %s (no such method) -> 404 not_found', async (method, path) => {
    const res = await expectNothingWritten(h, () =>
      request(h.app)[method.toLowerCase() as 'post'](path).set('Accept', 'application/json').send({ goal: 1 }),
    );
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('raw paths: traversal never escapes a route or the assets folder', () => {
  it.each([
    ['/api/campaigns/../admin/pledges', 404],
    ['/api/campaigns/%2e%2e/%2e%2e/api/admin/pledges', 404],
    ['/api/campaigns/open-usd/..%2f..%2fadmin', 404],
    ['/api/admin/../campaigns/open-usd', 401],
    ['/api/admin/%2e%2e/campaigns/open-usd', 401],
    ['/assets/../../package.json', 403],
    ['/assets/..%2f..%2fpackage.json', 403],
    ['/assets/%2e%2e/%2e%2e/package.json', 403],
    ['/assets/....//....//etc/passwd', 404],
    ['/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/package.json', 400],
    ['/assets/%00', 400],
    ['//etc/passwd', 404],
    ['/embed/campaigns/..%2f..%2fetc%2fpasswd', 404],
    ['/campaigns/..%2F..%2Fsrc%2Fconfig.ts', 404],
  ])('GET %s -> %i, no file content, nothing written', async (path, status) => {
    const res = await expectNothingWritten(h, () => rawRequest(server, { method: 'GET', path, headers: [['Accept', 'application/json']] }));
    expect(res.status).toBe(status);
    expect(res.body).not.toMatch(/"dependencies"|root:x:0|PUBLIC_URL|import /);
    expectNoLeak(res.body);
  });
});

describe('pages', () => {
  it.each([
    ...SQL_INJECTIONS.map((s) => [`SQL ${s}`, encodeURIComponent(s)] as [string, string]),
    ...UNICODE_TRICKS.map(([label, s]) => [label, encodeURIComponent(s)] as [string, string]),
    ['unknown', 'no-such-campaign'],
    ['script', encodeURIComponent('<script>alert(1)</script>')],
  ])('GET /campaigns/:slug and /embed/campaigns/:slug with %s -> 404, nothing reflected', async (_label, slug) => {
    for (const path of [`/campaigns/${slug}`, `/embed/campaigns/${slug}`]) {
      const res = await expectNothingWritten(h, () => request(h.app).get(path).set('Accept', 'text/html'));
      expect(res.status).toBe(404);
      if (/json/.test(res.headers['content-type'] ?? '')) expect(res.body.error.code).toBe('not_found');
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).not.toContain('DROP TABLE');
      expectNoLeak(res.text);
    }
  });

  it.each(['%E0%A4%A', '%C0%AE', '%FF'])('GET /campaigns/%s (undecodable) -> 400, nothing written', async (slug) => {
    for (const path of [`/campaigns/${slug}`, `/embed/campaigns/${slug}`]) {
      const res = await expectNothingWritten(h, () => request(h.app).get(path));
      expect(res.status).toBe(400);
      expectNoLeak(res.text);
    }
  });

  // The pages a donor comes back to from Checkout never fail: a bad or forged session id gets the
  // neutral "thank you" page (the honeypot sends bots there too), never an error a bot could use
  // as an oracle, and its value is never echoed back.
  it.each([
    ...SQL_INJECTIONS,
    '<script>alert(1)</script>',
    'cs_test_\u202Eevil',
    `cs_${'a'.repeat(300)}`,
    'cs_test_a\r\nSet-Cookie: x=1',
    '../../etc/passwd',
  ])('GET /donate/thanks?session_id=%s -> neutral page, nothing written or reflected', async (id) => {
    const res = await expectNothingWritten(h, () => request(h.app).get('/donate/thanks').query({ session_id: id }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-state="unknown"');
    expect(res.text).not.toContain(id.slice(0, 20));
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['array of ids', '/donate/thanks?session_id=cs_a&session_id=cs_b'],
    ['object id', '/donate/thanks?session_id[$ne]=x'],
    ['prototype pollution', '/donate/thanks?__proto__[polluted]=1&constructor[prototype][polluted]=1'],
  ])('GET /donate/thanks with %s -> neutral page, no pollution', async (_label, path) => {
    const res = await expectNothingWritten(h, () => request(h.app).get(path));
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-state="unknown"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['campaign=' + encodeURIComponent('javascript:alert(1)')],
    ['campaign=' + encodeURIComponent('//evil.example/phish')],
    ['campaign=' + encodeURIComponent('../../admin')],
    ['campaign=' + encodeURIComponent("' OR 1=1--") + '&amount=' + encodeURIComponent('1;DROP TABLE pledges')],
    ['amount=-5&frequency=weekly'],
    ['amount=1e9&frequency[]=monthly'],
    ['amount=' + '9'.repeat(100)],
    ['campaign[]=open-usd&amount[$gt]=0'],
    ['campaign=open-usd%0D%0ALocation:%20https://evil.example'],
  ])('GET /donate/cancelled?%s -> back link stays on this site, nothing written', async (query) => {
    const res = await expectNothingWritten(h, () => request(h.app).get(`/donate/cancelled?${query}`));
    expect(res.status).toBe(200);
    const back = /<a class="button" href="([^"]+)"/.exec(res.text)![1]!;
    expect(back).toMatch(/^\/(campaigns\/[a-z0-9-]+)?\?(amount=\d{1,9}&amp;)?(frequency=(once|monthly)&amp;)?resume=1$/);
    expect(res.text).not.toMatch(/javascript:|evil\.example|DROP TABLE/);
  });
});
