// The /admin dashboard's session cookie and CSRF defence, from the outside: the cookie's flags
// (HttpOnly, SameSite=Strict, Path=/admin, Secure behind HTTPS), forged, tampered, signed-out and
// revoked sessions refused, and every state-changing POST refused without the session's token or
// from another site (by the headers real browsers send), with nothing written; the same POST from
// the dashboard itself goes through, whatever the referrer policy made the browser say in Origin.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminKeyRepository } from '../../../src/admin/admin-key-repository.ts';
import { createAdminKeyService } from '../../../src/admin/admin-key-service.ts';
import { buildApp, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { insertCampaign } from '../../helpers/factories.ts';
import { mintKey } from '../admin/admin-fixtures.ts';
import { fingerprint } from './hostile-harness.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let key: string;
let keyId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  await insertCampaign(db, { slug: 'open-usd' });
  ({ key, id: keyId } = await mintKey(db, 'dashboard'));
});
afterAll(async () => {
  await db.drop();
});

const cookieOf = (res: request.Response) => {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('admin_session='));
  return raw;
};

async function signIn(target = app, k = key, headers: Record<string, string> = {}) {
  const res = await request(target).post('/admin/sign-in').set(headers).type('form').send({ key: k });
  expect(res.status).toBe(303);
  const cookie = cookieOf(res)!;
  expect(cookie).toBeDefined();
  return { res, cookie, pair: cookie.split(';')[0]! };
}

async function csrfToken(pair: string) {
  const page = await request(app).get('/admin').set('Cookie', pair).expect(200);
  return /name="csrf" value="([^"]+)"/.exec(page.text)![1]!;
}

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Strict, scoped to /admin, and not Secure over plain HTTP', async () => {
    const { cookie } = await signIn();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/admin(;|$)/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(cookie).not.toContain(key.slice(8));
  });

  it('is Secure behind a trusted HTTPS proxy (TRUST_PROXY) and when PUBLIC_URL is https', async () => {
    const proxied = buildApp(db, { config: testConfig({ TRUST_PROXY: '1' }) });
    expect((await signIn(proxied, key, { 'X-Forwarded-Proto': 'https' })).cookie).toMatch(/;\s*Secure/i);
    const https = buildApp(db, { config: testConfig({ PUBLIC_URL: 'https://donate.example' }) });
    expect((await signIn(https)).cookie).toMatch(/;\s*Secure/i);
  });

  it('an untrusted X-Forwarded-Proto does not decide the flag', async () => {
    expect((await signIn(app, key, { 'X-Forwarded-Proto': 'https' })).cookie).not.toMatch(/;\s*Secure/i);
  });

  it('a wrong key gets no cookie', async () => {
    const res = await request(app).post('/admin/sign-in').type('form').send({ key: `dk_live_${'B'.repeat(43)}` });
    expect(res.status).toBe(401);
    expect(cookieOf(res)).toBeUndefined();
  });

  it.each([
    ['made-up token', () => `admin_session=${'A'.repeat(43)}`],
    ['token with one character changed', (pair: string) => pair.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))],
    ['token with a character more', (pair: string) => `${pair}A`],
    ['the raw admin key as the cookie', () => `admin_session=${key}`],
    ['the key hash as the cookie', () => `admin_session=${'0'.repeat(64)}`],
    ['SQL in the cookie', () => `admin_session=${encodeURIComponent("x' OR '1'='1")}`],
  ])('a session with a %s is refused (401 on exports)', async (_label, tamper) => {
    const { pair } = await signIn();
    await request(app).get('/admin/exports/payments.csv').set('Cookie', pair).expect(200);
    const res = await request(app).get('/admin/exports/payments.csv').set('Cookie', tamper(pair));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('the session is read from among other cookies; a broken value or a forged first copy is no session', async () => {
    const own = buildApp(db); // its own sign-in limiter: this file signs in often
    const { pair } = await signIn(own);
    const status = async (header: string) => (await request(own).get('/admin/exports/payments.csv').set('Cookie', header)).status;
    for (const header of [`theme=dark; ${pair}`, `${pair};lang=fr`, `a=1;  ${pair}  ; b="2"`]) expect(await status(header)).toBe(200);
    expect(await status(`${pair}%E0%A4%A`)).toBe(401);
    expect(await status(`admin_session=forged; ${pair}`)).toBe(401);
  });

  it('the cookie holds only a random token: no key id, no expiry, nothing of the key', async () => {
    const { pair } = await signIn();
    expect(pair).toMatch(/^admin_session=[A-Za-z0-9_-]{43}$/);
    expect(pair).not.toContain(keyId);
    const stored = await db.pool.query('SELECT token_hash FROM admin_sessions');
    expect(stored.rows.map((r) => r.token_hash)).not.toContain(pair.split('=')[1]);
  });

  it('signing out ends the session for every copy of the cookie, exports included', async () => {
    const app = buildApp(db); // sign-in is rate limited per app (10 a minute)
    const { pair } = await signIn(app);
    const copy = pair; // taken before sign-out: another tab, a shared machine, a stolen cookie jar
    const token = await csrfToken(pair);
    await request(app).get('/admin/exports/payments.csv').set('Cookie', copy).expect(200);
    await request(app).post('/admin/sign-out').set('Cookie', pair).type('form').send({ csrf: token }).expect(303);
    for (const path of ['/admin/exports/payments.csv', '/admin/exports/pledges.csv', '/admin/exports/payouts.csv']) {
      const res = await request(app).get(path).set('Cookie', copy);
      expect(res.status, path).toBe(401);
      expect(res.text, path).not.toContain('_id,');
    }
    const page = await request(app).get('/admin').set('Cookie', copy).expect(200);
    expect(page.text).toContain('action="/admin/sign-in"');
    expect(page.text).not.toContain('name="csrf"');
    expect(cookieOf(page)).toMatch(/^admin_session=;/); // the stale cookie is dropped too
    // and a browser following a link with it gets the sign-in page, not JSON
    const browser = await request(app).get('/admin/exports/pledges.csv').set('Cookie', copy).set('Accept', 'text/html').expect(401);
    expect(browser.text).toContain('action="/admin/sign-in"');
    await request(app).post('/admin/sign-out').set('Cookie', copy).type('form').send({ csrf: token }).expect(401);
  });

  it('a session ends after 8 hours on the server, whatever the browser keeps', async () => {
    let now = new Date('2026-12-01T09:00:00Z');
    const clocked = buildApp(db, { clock: () => now });
    const { pair } = await signIn(clocked);
    now = new Date('2026-12-01T16:59:00Z');
    await request(clocked).get('/admin/exports/pledges.csv').set('Cookie', pair).expect(200);
    now = new Date('2026-12-01T17:00:01Z');
    await request(clocked).get('/admin/exports/pledges.csv').set('Cookie', pair).expect(401);
  });

  it('revoking the key ends its sessions', async () => {
    const app = buildApp(db);
    const keys = createAdminKeyService({ keys: createAdminKeyRepository(db) });
    const other = await keys.create('short-lived');
    const { pair } = await signIn(app, other.key);
    await request(app).get('/admin/exports/pledges.csv').set('Cookie', pair).expect(200);
    await keys.revoke(other.record.id);
    await request(app).get('/admin/exports/pledges.csv').set('Cookie', pair).expect(401);
    expect(keyId).toBeDefined();
  });
});

describe('CSRF', () => {
  // Sign-in is rate limited per app (10 a minute): these tests sign in afresh.
  beforeAll(() => {
    app = buildApp(db);
  });
  const POSTS = ['/admin/sign-out', '/admin/webhook-events/evt_csrf_1/replay'];

  it.each(POSTS)('POST %s without the token, with a wrong one, or from another site -> 403 page, nothing written', async (path) => {
    const { pair } = await signIn();
    const token = await csrfToken(pair);
    const before = await fingerprint(db);
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no token', {}, {}],
      ['empty token', {}, { csrf: '' }],
      ['wrong token', {}, { csrf: 'A'.repeat(token.length) }],
      ['token of another length', {}, { csrf: `${token}x` }],
      // A current browser says where a request comes from in Sec-Fetch-Site, whatever the referrer policy.
      ['right token, Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.example' }, { csrf: token }],
      ['right token, Sec-Fetch-Site same-site (a sibling subdomain)', { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.donate.test' }, { csrf: token }],
      ['right token, Sec-Fetch-Site none', { 'Sec-Fetch-Site': 'none' }, { csrf: token }],
      ['right token, cross-site even if Origin looks right', { 'Sec-Fetch-Site': 'cross-site', Origin: 'http://donate.test' }, { csrf: token }],
      // A browser without Sec-Fetch-Site: Origin decides.
      ['right token, cross-site Origin', { Origin: 'https://evil.example' }, { csrf: token }],
      ['right token, Origin null (sandboxed frame)', { Origin: 'null' }, { csrf: token }],
      ['right token, malformed Origin', { Origin: 'not a url' }, { csrf: token }],
    ];
    for (const [label, headers, body] of attempts) {
      const res = await request(app).post(path).set('Cookie', pair).set(headers).type('form').send(body);
      expect(res.status, label).toBe(403);
      expect(res.type, label).toBe('text/html'); // a page for the person who clicked, not raw JSON
      expect(res.text, label).toContain('This form has expired');
      expect(res.text, label).toContain('href="/admin"');
      expect(cookieOf(res), label).toBeUndefined();
      const api = await request(app).post(path).set('Cookie', pair).set(headers).set('Accept', 'application/json').send(body);
      expect(api.status, label).toBe(403);
      expect(api.body.error.code, label).toBe('csrf_failed');
    }
    expect(await fingerprint(db)).toEqual(before);
  });

  it('a token in the query string or a JSON body does not count', async () => {
    const { pair } = await signIn();
    const token = await csrfToken(pair);
    await request(app).post(`/admin/sign-out?csrf=${token}`).set('Cookie', pair).type('form').send({}).expect(403);
    const viaJson = await request(app).post('/admin/sign-out').set('Cookie', pair).set('Origin', 'https://evil.example').send({ csrf: token });
    expect(viaJson.status).toBe(403);
  });

  // What Chromium really sends on a same-origin form POST: Sec-Fetch-Site always; Origin the page's
  // origin, or the string "null" when the page's Referrer-Policy is no-referrer (what the dashboard
  // used to send, refusing every Sign out and Replay).
  it.each([
    ['Chromium, Referrer-Policy same-origin', { 'Sec-Fetch-Site': 'same-origin', Origin: 'http://donate.test' }],
    ['Chromium, Referrer-Policy no-referrer', { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' }],
    ['a browser without Sec-Fetch-Site', { Origin: 'http://donate.test' }],
    ['a client that is not a browser (no Origin)', {}],
  ])('the POST with the token from the dashboard itself goes through: %s', async (_label, headers) => {
    const { pair } = await signIn();
    const token = await csrfToken(pair);
    const res = await request(app).post('/admin/sign-out').set('Cookie', pair).set(headers).type('form').send({ csrf: token });
    expect(res.status).toBe(303);
    expect(cookieOf(res)).toMatch(/admin_session=;/);
  });

  it('a sign-in posted from another site is refused (login CSRF)', async () => {
    const res = await request(app).post('/admin/sign-in').set('Sec-Fetch-Site', 'cross-site').type('form').send({ key });
    expect(res.status).toBe(403);
    expect(cookieOf(res)).toBeUndefined();
  });

  it('a POST without a session is a 401, not a CSRF oracle', async () => {
    const res = await request(app).post('/admin/sign-out').type('form').send({ csrf: 'x' });
    expect(res.status).toBe(401);
  });
});
