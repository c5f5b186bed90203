// The dashboard's Offline gifts tab over HTTP with a real session: recording (a double click
// records one gift), the form's errors beside their fields, voiding with a reason, the import's
// dry run and import from the form, and CSRF on every post.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { campaign, mintKey } from '../admin/admin-fixtures.ts';
import { deposit } from './offline-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
const NOW = new Date('2026-12-10T15:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db, { clock: () => NOW });
});
afterAll(() => db.drop());
beforeEach(async () => {
  await truncateAll(db);
  await campaign(db, 'winter');
});

async function signIn(label = 'Desk (Sam)') {
  const { key } = await mintKey(db, label);
  const res = await request(app).post('/admin/sign-in').type('form').send({ key }).expect(303);
  const cookie = res.headers['set-cookie']![0]!.split(';')[0]!;
  const page = await request(app).get('/admin/offline').set('Cookie', cookie).expect(200);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1]!, token: /name="token" value="([^"]+)"/.exec(page.text)![1]! };
}

const post = (path: string, s: { cookie: string }, body: object) =>
  request(app).post(path).set('Cookie', s.cookie).set('Sec-Fetch-Site', 'same-origin').type('form').send(body);
const noticeOf = (location?: string) => new URL(location ?? '', 'http://donate.test').searchParams.get('notice');
const raised = async () => (await request(app).get('/api/campaigns/winter/progress').expect(200)).body.raised as number;
const gifts = async () => (await db.pool.query('SELECT id::text, voided_by, void_reason, entered_by FROM offline_gifts')).rows;

const form = (s: { csrf: string; token: string }, over: Record<string, string> = {}) => ({
  csrf: s.csrf, token: s.token, campaign: 'winter', amount: '1,250.50', receivedOn: '2026-12-09', method: 'check', reference: '1042',
  name: 'Ann Lee', email: 'ann@example.org', ...over,
});

describe('the Offline gifts tab', () => {
  it('records a gift typed as people type amounts; a double click records it once', async () => {
    const s = await signIn();
    const first = await post('/admin/offline/gifts', s, form(s)).expect(303);
    expect(noticeOf(first.headers.location)).toContain('Recorded $1,250.50 from Ann Lee to winter; the receipt is on its way.');
    await post('/admin/offline/gifts', s, form(s)).expect(303);
    expect(await gifts()).toHaveLength(1);
    expect(await raised()).toBe(125_050);
    const page = await request(app).get('/admin/offline').set('Cookie', s.cookie).expect(200);
    expect(page.text).toContain('Check no. 1042');
    expect(page.text).toContain('Desk (Sam)');
    expect(page.text).toContain('<a href="/admin/offline" aria-current="page">Offline gifts</a>');
  });

  it('stays on the campaign of the gift just recorded, for the next check of the pile', async () => {
    await campaign(db, 'spring');
    const s = await signIn();
    const first = await post('/admin/offline/gifts', s, form(s, { campaign: 'spring' })).expect(303);
    expect(new URL(first.headers.location!, 'http://donate.test').searchParams.get('campaign')).toBe('spring');
    const page = await request(app).get(first.headers.location!).set('Cookie', s.cookie).expect(200);
    expect(page.text).toMatch(/<option value="spring" selected>/);
    expect(page.text).not.toMatch(/<option value="winter" selected>/);
  });

  it('says a yen amount has no decimals', async () => {
    await campaign(db, 'yen', 'jpy');
    const s = await signIn();
    const res = await post('/admin/offline/gifts', s, form(s, { campaign: 'yen', amount: '12.50' })).expect(400);
    expect(res.text).toContain('Enter an amount in JPY like 250 (no decimals)');
    expect(await gifts()).toHaveLength(0);
  });

  it('shows every problem beside its field and writes nothing', async () => {
    const s = await signIn();
    const res = await post('/admin/offline/gifts', s, form(s, { amount: '12.345', receivedOn: '2026-02-30', email: 'nope' })).expect(400);
    expect(res.text).toContain('id="amount-error"');
    expect(res.text).toContain('id="receivedOn-error"');
    expect(res.text).toContain('id="email-error"');
    expect(res.text).toContain('value="12.345"');
    expect(await gifts()).toEqual([]);
  });

  it('voids a gift with a reason: kept, marked, off the total; without a reason nothing changes', async () => {
    const s = await signIn();
    await post('/admin/offline/gifts', s, form(s)).expect(303);
    const [{ id }] = await gifts();
    const none = await post(`/admin/offline/gifts/${id}/void`, s, { csrf: s.csrf, reason: '  ' }).expect(400);
    expect(none.text).toContain('Say why the entry is wrong');
    expect(await raised()).toBe(125_050);
    const done = await post(`/admin/offline/gifts/${id}/void`, s, { csrf: s.csrf, reason: 'Check bounced' }).expect(303);
    expect(noticeOf(done.headers.location)).toContain('it has left the total');
    expect(await gifts()).toEqual([{ id, voided_by: 'Desk (Sam)', void_reason: 'Check bounced', entered_by: 'Desk (Sam)' }]);
    expect(await raised()).toBe(0);
    const page = await request(app).get('/admin/offline').set('Cookie', s.cookie).expect(200);
    expect(page.text).toMatch(/<strong>Voided<\/strong> by Desk \(Sam\)/);
    await post(`/admin/offline/gifts/${id}/void`, s, { csrf: s.csrf, reason: 'again' }).expect(409);
  });

  it('imports a deposit: the dry run writes nothing and lists the lines, then the import, then the same file adds nothing', async () => {
    const s = await signIn();
    const csv = deposit(50);
    const dry = await post('/admin/offline/import', s, { csrf: s.csrf, csv, action: 'dry-run' }).expect(200);
    expect(dry.text).toContain('Dry run: nothing was written.');
    expect(dry.text).toContain('would import: 50 (lines 2, 3, 4');
    expect(await gifts()).toEqual([]);
    const done = await post('/admin/offline/import', s, { csrf: s.csrf, csv, action: 'import' }).expect(200);
    expect(done.text).toContain('Imported.');
    expect((await gifts()).length).toBe(50);
    const again = await post('/admin/offline/import', s, { csrf: s.csrf, csv, action: 'dry-run' }).expect(200);
    expect(again.text).toContain('would import: 0 (lines none); already imported, skipped: 50');
  });

  it('a bad file: every bad line and its reason, the file kept in the box, nothing written', async () => {
    const s = await signIn();
    const csv = 'date,amount,method,campaign\n2026-12-01,10,cash,winter\n2026-12-01,ten,cash,winter\n2026-12-01,10,card,nowhere\n';
    const res = await post('/admin/offline/import', s, { csrf: s.csrf, csv, action: 'import' }).expect(400);
    expect(res.text).toContain('The file cannot be imported: nothing was written.');
    expect(res.text).toMatch(/Line 3, <code>amount<\/code>: &#39;ten&#39; is not an amount in USD/);
    expect(res.text).toMatch(/Line 4, <code>campaign<\/code>: No campaign &#39;nowhere&#39;/);
    expect(res.text).toMatch(/Line 4, <code>method<\/code>: must be check, bank_transfer or cash/);
    expect(res.text).toContain('2026-12-01,ten,cash,winter');
    expect(await gifts()).toEqual([]);
  });

  it('takes a deposit larger than any other form (the app-wide 16 KB form limit does not apply)', async () => {
    const s = await signIn();
    const csv = deposit(50) + Array.from({ length: 600 }, (_, i) => `2026-12-02,5.00,USD,cash,C${i},,,winter`).join('\n');
    expect(Buffer.byteLength(csv)).toBeGreaterThan(16 * 1024);
    const res = await post('/admin/offline/import', s, { csrf: s.csrf, csv, action: 'import' }).expect(200);
    expect(res.text).toContain('imported: 650');
  });

  it('refuses every post without the CSRF token or from another site, and any post without a session', async () => {
    const s = await signIn();
    await post('/admin/offline/gifts', s, { ...form(s), csrf: 'wrong' }).expect(403);
    await request(app).post('/admin/offline/gifts').set('Cookie', s.cookie).set('Sec-Fetch-Site', 'cross-site').type('form').send(form(s)).expect(403);
    await post('/admin/offline/import', s, { csv: deposit(2), action: 'import' }).expect(403);
    await request(app).post('/admin/offline/import').type('form').send({ csrf: s.csrf, csv: deposit(2), action: 'import' }).expect(401);
    expect(await gifts()).toEqual([]);
  });
});
