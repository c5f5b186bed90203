// The /admin dashboard's session cookie and CSRF defence, from the outside: the cookie's flags
// (HttpOnly, SameSite=Strict, Path=/admin, Secure behind HTTPS), forged, tampered and revoked
// sessions refused, and every state-changing POST refused without the session's token or from
// another origin, with nothing written.
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
    ['forged signature', (pair: string) => pair.replace(/\.[A-Za-z0-9_-]{43}$/, `.${'A'.repeat(43)}`)],
    ['expiry pushed forward', (pair: string) => pair.replace(/\.(\d{13})\./, (_, e: string) => `.${Number(e) + 86_400_000}.`)],
    ['another key id', (pair: string) => pair.replace(/=([0-9a-f-]{36})\./, '=00000000-0000-0000-0000-000000000000.')],
    ['the raw admin key as the cookie', () => `admin_session=${key}`],
    ['SQL in the cookie', () => `admin_session=${encodeURIComponent("x' OR '1'='1")}`],
  ])('a session with a %s is refused (401 on exports)', async (_label, tamper) => {
    const { pair } = await signIn();
    await request(app).get('/admin/exports/payments.csv').set('Cookie', pair).expect(200);
    const res = await request(app).get('/admin/exports/payments.csv').set('Cookie', tamper(pair));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  it('revoking the key ends its sessions', async () => {
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

  it.each(POSTS)('POST %s without the token, with a wrong one, or from another origin -> 403, nothing written', async (path) => {
    const { pair } = await signIn();
    const token = await csrfToken(pair);
    const before = await fingerprint(db);
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no token', {}, {}],
      ['empty token', {}, { csrf: '' }],
      ['wrong token', {}, { csrf: 'A'.repeat(token.length) }],
      ['token of another length', {}, { csrf: `${token}x` }],
      ['right token, cross-site Origin', { Origin: 'https://evil.example' }, { csrf: token }],
      ['right token, Origin null (sandboxed frame)', { Origin: 'null' }, { csrf: token }],
      ['right token, malformed Origin', { Origin: 'not a url' }, { csrf: token }],
    ];
    for (const [label, headers, body] of attempts) {
      const res = await request(app).post(path).set('Cookie', pair).set(headers).type('form').send(body);
      expect(res.status, label).toBe(403);
      expect(res.body.error.code, label).toBe('csrf_failed');
      expect(cookieOf(res), label).toBeUndefined();
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

  it('the same POST with the token, from this site, goes through', async () => {
    const { pair } = await signIn();
    const token = await csrfToken(pair);
    const res = await request(app).post('/admin/sign-out').set('Cookie', pair).type('form').send({ csrf: token });
    expect(res.status).toBe(303);
    expect(cookieOf(res)).toMatch(/admin_session=;/);
  });

  it('a POST without a session is a 401, not a CSRF oracle', async () => {
    const res = await request(app).post('/admin/sign-out').type('form').send({ csrf: 'x' });
    expect(res.status).toBe(401);
  });
});
