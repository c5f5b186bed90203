// A deposit's CSV through POST /api/admin/offline-gifts/import: the dry run writes nothing and
// says what would be; a bad file is refused whole with every bad line and its reason; the same
// file twice adds nothing, and the dry run says which rows were imported before.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { buildApp } from '../../helpers/app.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { outboxRows } from '../../helpers/mail.ts';
import { deposit, offlineApp } from './offline-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;
const NOW = new Date('2026-12-10T15:00:00Z');

const DEPOSIT_TOTAL = Array.from({ length: 50 }, (_, i) => 1000 + i * 50).reduce((a, b) => a + b, 0);

const post = (csv: string, dryRun?: boolean) =>
  request(app).post(`/api/admin/offline-gifts/import${dryRun === undefined ? '' : `?dryRun=${dryRun}`}`).set(auth).type('text/csv').send(csv);

async function state() {
  const gifts = Number((await db.pool.query('SELECT count(*) FROM offline_gifts')).rows[0].count);
  const raised = (await request(app).get('/api/campaigns/winter/progress').expect(200)).body.raised as number;
  const emails = (await outboxRows(db)).length;
  return { gifts, raised, emails };
}

beforeAll(async () => {
  ({ db, app, auth } = await offlineApp(NOW));
});
afterAll(() => db.drop());
beforeEach(() => db.pool.query('TRUNCATE offline_gifts, email_outbox, campaign_total_shards'));

describe('importing a deposit', () => {
  it('dry run: says what would be imported and writes nothing', async () => {
    const res = await post(deposit(), true).expect(200);
    expect(res.body).toMatchObject({ dryRun: true, rows: 50, alreadyImported: [], totals: [{ campaign: 'winter', currency: 'usd', gifts: 50, amount: DEPOSIT_TOTAL }] });
    expect(res.body.imported).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(await state()).toEqual({ gifts: 0, raised: 0, emails: 0 });
  });

  it('imports all 50 checks in one go, each counted, receipts for those with an email, entered by the key', async () => {
    const res = await post(deposit(), false).expect(200);
    expect(res.body).toMatchObject({ dryRun: false, rows: 50, alreadyImported: [], totals: [{ gifts: 50, amount: DEPOSIT_TOTAL }] });
    expect(await state()).toEqual({ gifts: 50, raised: DEPOSIT_TOTAL, emails: 10 });
    const { rows } = await db.pool.query("SELECT DISTINCT entered_by FROM offline_gifts");
    expect(rows).toEqual([{ entered_by: 'Finance (Maria)' }]);
    const second = (await db.pool.query("SELECT amount, reference, donor_name, received_on::text FROM offline_gifts WHERE reference = '5001'")).rows[0];
    expect(second).toEqual({ amount: 1050, reference: '5001', donor_name: 'Donor 1', received_on: '2026-12-02' });
  });

  it('importing the same file twice adds nothing, and the dry run says every row was imported before', async () => {
    await post(deposit(), false).expect(200);
    const dry = await post(deposit(), true).expect(200);
    expect(dry.body.imported).toEqual([]);
    expect(dry.body.alreadyImported).toHaveLength(50);
    expect(dry.body.totals).toEqual([]);
    const again = await post(deposit(), false).expect(200);
    expect(again.body).toMatchObject({ imported: [], totals: [] });
    expect(again.body.alreadyImported).toHaveLength(50);
    expect(await state()).toEqual({ gifts: 50, raised: DEPOSIT_TOTAL, emails: 10 });
  });

  it('a file that grew by two rows imports only those two', async () => {
    await post(deposit(48), false).expect(200);
    const res = await post(deposit(50), false).expect(200);
    expect(res.body.imported).toEqual([50, 51]);
    expect(res.body.alreadyImported).toHaveLength(48);
    expect((await state()).gifts).toBe(50);
  });

  it('two identical cash rows are two gifts, and stay two on a second import', async () => {
    const csv = 'date,amount,method,campaign\n2026-12-09,20,cash,winter\n2026-12-09,20,cash,winter\n';
    expect((await post(csv).expect(200)).body.imported).toEqual([2, 3]);
    expect((await post(csv).expect(200)).body.alreadyImported).toEqual([2, 3]);
    expect(await state()).toMatchObject({ gifts: 2, raised: 4000 });
  });

  it('reads header names as people write them, quoted cells, a byte order mark and amounts in yen', async () => {
    const csv = '\uFEFFDate Received,Amount,Method,Check Number,Donor Name,Email,Campaign\r\n2026-12-01,"1,250.00",Bank Transfer,"TRX, 9","Lee, Ann",,winter\r\n2026-12-01,5000,cash,,,,yen\r\n';
    const res = await post(csv).expect(200);
    expect(res.body.totals).toEqual([{ campaign: 'winter', currency: 'usd', gifts: 1, amount: 125_000 }, { campaign: 'yen', currency: 'jpy', gifts: 1, amount: 5000 }]);
    const row = (await db.pool.query("SELECT method::text, reference, donor_name FROM offline_gifts WHERE currency = 'usd'")).rows[0];
    expect(row).toEqual({ method: 'bank_transfer', reference: 'TRX, 9', donor_name: 'Lee, Ann' });
  });
});

describe('a bad file', () => {
  it('is refused whole: every bad row with its line number and reason, nothing written', async () => {
    const lines = deposit().trimEnd().split('\n');
    lines[3] = '2026-12-01,12.345,USD,check,1,A,,winter'; // line 4: three decimals
    lines[10] = '2026-12-31,10,USD,check,2,B,,winter'; // line 11: in the future
    lines[20] = '2026-12-01,10,USD,card,3,C,,winter'; // line 21: not a method
    lines[30] = '2026-12-01,10,USD,check,4,D,nope@,winter'; // line 31: bad email
    lines[40] = '2026-12-01,10,USD,check,5,E,,summer'; // line 41: no such campaign
    lines[45] = '2026-12-01,10,EUR,check,6,F,,winter'; // line 46: wrong currency
    lines[48] = '2026-12-01,-10,USD,check,7,G,,winter'; // line 49: negative
    const res = await post(`${lines.join('\n')}\n`, false).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(/7 row\(s\) cannot be imported: nothing was written/);
    const byLine = Object.fromEntries(res.body.error.details.map((d: { line: number; field: string; message: string }) => [d.line, `${d.field}: ${d.message}`]));
    expect(Object.keys(byLine).map(Number)).toEqual([4, 11, 21, 31, 41, 46, 49]);
    expect(byLine[4]).toMatch(/^amount: '12.345' is not an amount in USD/);
    expect(byLine[11]).toMatch(/^date: must not be in the future/);
    expect(byLine[21]).toMatch(/^method: must be check, bank_transfer or cash/);
    expect(byLine[31]).toMatch(/^email: must be a valid email/);
    expect(byLine[41]).toMatch(/^campaign: No campaign 'summer'/);
    expect(byLine[46]).toMatch(/^currency: must be the campaign's currency \(USD\)/);
    expect(byLine[49]).toMatch(/^amount: /);
    expect(await state()).toEqual({ gifts: 0, raised: 0, emails: 0 });
  });

  it('a dry run of a bad file answers the same 400 with its lines', async () => {
    const res = await post('date,amount,method,campaign\n2026-12-01,ten,check,winter\n', true).expect(400);
    expect(res.body.error.details).toEqual([{ field: 'amount', line: 2, message: expect.stringContaining("'ten' is not an amount") }]);
  });

  it.each([
    ['a missing column', 'date,amount,campaign\n2026-12-01,10,winter\n', { line: 1, message: expect.stringContaining("no 'method' column") }],
    ['an unknown column', 'date,amount,method,campaign,colour\n2026-12-01,10,cash,winter,red\n', { line: 1, message: expect.stringContaining("Unknown column 'colour'") }],
    ['a short row', 'date,amount,method,campaign\n2026-12-01,10,cash\n', { line: 2, message: 'Has 3 cells, the header has 4' }],
    ['an unclosed quote', 'date,amount,method,campaign\n2026-12-01,"10,cash,winter\n', { message: expect.stringContaining('Not a CSV file') }],
    ['only a header', 'date,amount,method,campaign\n', { message: expect.stringContaining('no rows') }],
  ])('refuses %s', async (_what, csv, detail) => {
    const res = await post(csv, false).expect(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining(detail));
    expect((await state()).gifts).toBe(0);
  });

  it('refuses a file over the size limit (413) or in JSON (415), writing nothing', async () => {
    const big = deposit(50) + `${'2026-12-01,10,USD,cash,,,,winter\n'.repeat(9000)}`;
    await post(big, false).expect(413);
    await request(app).post('/api/admin/offline-gifts/import').set(auth).send({ csv: deposit() }).expect(415);
    const tooMany = `date,amount,method,campaign\n${'2026-12-01,10,cash,winter\n'.repeat(2001)}`;
    const res = await post(tooMany, false).expect(400);
    expect(res.body.error.details[0].message).toMatch(/At most 2000 rows/);
    expect((await state()).gifts).toBe(0);
  });
});

describe('files as spreadsheets and banks write them', () => {
  it('reads CRLF line ends and a quoted amount with a thousands comma', async () => {
    const csv = 'date,amount,method,reference,campaign\r\n2026-12-01,"1,250.50",check,77,winter\r\n2026-12-02,10,cash,,winter\r\n';
    const res = await post(csv, false).expect(200);
    expect(res.body).toMatchObject({ imported: [2, 3], totals: [{ campaign: 'winter', amount: 125_050 + 1000 }] });
  });

  it.each([
    ['a duplicate column', 'date,amount,amount,method,campaign\n2026-12-01,10,1000,cash,winter\n', { field: 'file', line: 1, message: expect.stringContaining("'amount' column twice") }],
    ['a file split by semicolons', 'date;amount;method;campaign\n2026-12-01;10;cash;winter\n', { field: 'file', line: 1, message: expect.stringContaining('Unknown column') }],
    ['an empty file', '', { field: 'file', message: expect.stringContaining('empty') }],
    ['a zero amount', 'date,amount,method,campaign\n2026-12-01,0.00,cash,winter\n', { field: 'amount', line: 2, message: 'must be more than 0' }],
    ['a huge amount', 'date,amount,method,campaign\n2026-12-01,99999999999,cash,winter\n', { field: 'amount', line: 2, message: expect.stringMatching(/larger|not an amount/) }],
    ['an amount in exponent form', 'date,amount,method,campaign\n2026-12-01,1e3,cash,winter\n', { field: 'amount', line: 2 }],
  ])('refuses %s, naming it, writing nothing', async (_what, csv, detail) => {
    const res = await post(csv, false).expect(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining(detail));
    expect(await state()).toEqual({ gifts: 0, raised: 0, emails: 0 });
  });

  it('answers a 3 MB file with a 413 in JSON, writing nothing', async () => {
    const big = deposit(50) + '2026-12-01,10,USD,cash,,,,winter\n'.repeat(100_000);
    const res = await post(big, false).expect(413);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.error.code).toBeTruthy();
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+/);
    expect(await state()).toEqual({ gifts: 0, raised: 0, emails: 0 });
  });
});
