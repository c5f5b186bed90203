// Offline gifts through the admin API: entry (once per Idempotency-Key, refused input writes
// nothing), the campaign total moving in the gift's transaction, void (with a reason, once, the
// total taken back), receipts and corrections sent over real SMTP, and offline.csv.
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { buildApp } from '../../helpers/app.ts';
import type { TestDatabase } from '../../helpers/database.ts';
import { outboxRows, startMailStack, type MailStack } from '../../helpers/mail.ts';
import { bearer, mintKey } from '../admin/admin-fixtures.ts';
import { offlineApp } from './offline-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;
let mail: MailStack;
const NOW = new Date('2026-12-10T15:00:00Z');

export const gift = (over: Record<string, unknown> = {}) => ({
  campaign: 'winter', amount: 25_000, currency: 'usd', receivedOn: '2026-12-08', method: 'check', reference: '1042',
  name: 'Ann Lee', email: 'ann@example.org', ...over,
});

async function progress(slug = 'winter') {
  return (await request(app).get(`/api/campaigns/${slug}/progress`).expect(200)).body as { raised: number; donors: number; donations: number };
}
const count = async () => Number((await db.pool.query('SELECT count(*) FROM offline_gifts')).rows[0].count);

beforeAll(async () => {
  ({ db, app, auth } = await offlineApp(NOW));
  mail = await startMailStack(db);
});
afterAll(async () => {
  await mail.close();
  await db.drop();
});

describe('recording an offline gift', () => {
  beforeEach(() => db.pool.query('TRUNCATE offline_gifts, email_outbox, campaign_total_shards'));

  it('counts it in the raised total at once, keeps who entered it and queues its receipt', async () => {
    const before = await progress();
    const res = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift()).expect(201);
    expect(res.body).toMatchObject({
      campaign: 'winter', amount: 25_000, currency: 'usd', receivedOn: '2026-12-08', method: 'check', reference: '1042',
      name: 'Ann Lee', email: 'ann@example.org', enteredBy: 'Finance (Maria)', voided: false, voidedAt: null,
    });
    expect(res.body.receiptReference).toBe(`OFF-${res.body.id.slice(0, 8).toUpperCase()}`);
    const after = await progress();
    expect(after.raised - before.raised).toBe(25_000);
    expect(after.donations - before.donations).toBe(1);
    expect(after.donors - before.donors).toBe(1);

    await mail.sender.drain();
    const [receipt] = await outboxRows(db, `dedupe_key = 'offline-receipt:${res.body.id}'`);
    expect(receipt).toMatchObject({ kind: 'receipt', to_address: 'ann@example.org', status: 'sent' });
    expect(receipt!.text).toContain('Amount received: $250.00');
    expect(receipt!.text).toContain('Method: Check no. 1042');
    expect(receipt!.text).toContain('December 8, 2026');
    expect(receipt!.text).toContain(res.body.receiptReference);
    expect(receipt!.text).not.toContain('charged');
    const parsed = (await mail.parsed()).find((m) => m.subject?.includes('$250.00'));
    expect(parsed?.to).toMatchObject({ text: 'ann@example.org' });
  });

  it('sends no receipt to a donor without an email, and counts the gift all the same', async () => {
    const res = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ email: undefined, method: 'cash', reference: undefined })).expect(201);
    expect(res.body).toMatchObject({ email: null, method: 'cash', reference: null });
    expect(await outboxRows(db)).toEqual([]);
    expect((await progress()).raised).toBe(25_000);
  });

  it('records once per Idempotency-Key: the same request replays, another body under the key is a 409', async () => {
    const first = await request(app).post('/api/admin/offline-gifts').set(auth).set('Idempotency-Key', 'deposit-7-check-1042').send(gift()).expect(201);
    const again = await request(app).post('/api/admin/offline-gifts').set(auth).set('Idempotency-Key', 'deposit-7-check-1042').send(gift()).expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await request(app).post('/api/admin/offline-gifts').set(auth).set('Idempotency-Key', 'deposit-7-check-1042').send(gift({ amount: 30_000 })).expect(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(await count()).toBe(1);
    expect((await progress()).raised).toBe(25_000);
    expect(await outboxRows(db)).toHaveLength(1);
  });

  it.each([
    ['amount', { amount: 25.5 }],
    ['amount', { amount: 0 }],
    ['amount', { amount: '250' }],
    ['method', { method: 'card' }],
    ['receivedOn', { receivedOn: '2026-12-11' }],
    ['receivedOn', { receivedOn: '2026-02-30' }],
    ['email', { email: 'not-an-email' }],
    ['currency', { currency: 'eur' }],
    ['campaign', { campaign: 'nope' }],
    ['name', { name: 'Ann\u202eLee' }],
    ['shoeSize', { shoeSize: 12 }],
  ])('refuses a bad %s with a 400 naming it, and writes nothing', async (field, change) => {
    const res = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift(change)).expect(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(await count()).toBe(0);
    expect((await progress()).raised).toBe(0);
    expect(await outboxRows(db)).toEqual([]);
  });

  it('takes the amount in the campaign currency\'s minor units (yen have none)', async () => {
    await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ campaign: 'yen', currency: 'JPY', amount: 5000 })).expect(201);
    expect((await progress('yen')).raised).toBe(5000);
  });

  it('needs an admin key', async () => {
    await request(app).post('/api/admin/offline-gifts').send(gift()).expect(401);
    await request(app).get('/api/admin/offline-gifts').expect(401);
    expect(await count()).toBe(0);
  });
});

describe('voiding an offline gift', () => {
  beforeEach(() => db.pool.query('TRUNCATE offline_gifts, email_outbox, campaign_total_shards'));

  it('takes it back off the total, keeps the row with who voided it, when and why, and withdraws its receipt', async () => {
    const { body: g } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift()).expect(201);
    const voider = bearer((await mintKey(db, 'Desk (Sam)')).key);
    const res = await request(app).post(`/api/admin/offline-gifts/${g.id}/void`).set(voider).send({ reason: 'Typed $250, the check says $25' }).expect(200);
    expect(res.body).toMatchObject({
      id: g.id, voided: true, voidedBy: 'Desk (Sam)', voidReason: 'Typed $250, the check says $25', enteredBy: 'Finance (Maria)', amount: 25_000,
    });
    expect(res.body.voidedAt).toBe(NOW.toISOString());
    expect(await progress()).toMatchObject({ raised: 0, donations: 0, donors: 0 });
    expect(await count()).toBe(1);

    const listed = await request(app).get('/api/admin/offline-gifts').set(auth).expect(200);
    expect(listed.body.data).toEqual([res.body]);

    await mail.sender.drain();
    const [correction] = await outboxRows(db, `dedupe_key = 'offline-void:${g.id}'`);
    expect(correction).toMatchObject({ kind: 'correction', to_address: 'ann@example.org', status: 'sent' });
    expect(correction!.subject).toContain(g.receiptReference);
    expect(correction!.text).toContain('withdrawn');
  });

  it('voids once: a second void is a 409 that changes nothing', async () => {
    const { body: g } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift()).expect(201);
    await request(app).post(`/api/admin/offline-gifts/${g.id}/void`).set(auth).send({ reason: 'Entered twice' }).expect(200);
    const again = await request(app).post(`/api/admin/offline-gifts/${g.id}/void`).set(auth).send({ reason: 'Again' }).expect(409);
    expect(again.body.error.code).toBe('already_voided');
    const row = (await db.pool.query('SELECT void_reason FROM offline_gifts WHERE id = $1', [g.id])).rows[0];
    expect(row.void_reason).toBe('Entered twice');
    expect((await progress()).raised).toBe(0);
    expect(await outboxRows(db, "kind = 'correction'")).toHaveLength(1);
  });

  it('needs a reason, and an existing gift', async () => {
    const { body: g } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift()).expect(201);
    const bad = await request(app).post(`/api/admin/offline-gifts/${g.id}/void`).set(auth).send({ reason: '   ' }).expect(400);
    expect(bad.body.error.details[0].field).toBe('reason');
    await request(app).post('/api/admin/offline-gifts/00000000-0000-4000-8000-000000000000/void').set(auth).send({ reason: 'x' }).expect(404);
    expect((await progress()).raised).toBe(25_000);
  });

  it('is never deleted nor edited, even by SQL', async () => {
    const { body: g } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift()).expect(201);
    await expect(db.pool.query('DELETE FROM offline_gifts WHERE id = $1', [g.id])).rejects.toThrow(/never deleted/);
    await expect(db.pool.query('UPDATE offline_gifts SET amount = 1 WHERE id = $1', [g.id])).rejects.toThrow(/never edited/);
    expect((await progress()).raised).toBe(25_000);
  });
});

describe('offline.csv', () => {
  beforeEach(() => db.pool.query('TRUNCATE offline_gifts, email_outbox, campaign_total_shards'));

  it('lists every offline gift with its method, reference, who entered and who voided it; payments.csv stays Stripe\'s', async () => {
    const { body: a } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ name: '=HYPERLINK("x")' })).expect(201);
    const { body: b } = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift({ method: 'bank_transfer', reference: 'TRX-9', receivedOn: '2026-12-01' })).expect(201);
    await request(app).post(`/api/admin/offline-gifts/${b.id}/void`).set(auth).send({ reason: 'Bounced' }).expect(200);
    const res = await request(app).get('/api/admin/exports/offline.csv?from=2026-12-01&to=2027-01-01').set(auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.gift_id)).toEqual([b.id, a.id]);
    expect(rows[0]).toMatchObject({ method: 'bank_transfer', reference: 'TRX-9', amount: '250.00', status: 'voided', voided_by: 'Finance (Maria)', void_reason: 'Bounced' });
    expect(rows[1]).toMatchObject({ donor_name: '\'=HYPERLINK("x")', status: 'recorded', entered_by: 'Finance (Maria)', received_on: '2026-12-08', currency: 'usd' });
    const outside = await request(app).get('/api/admin/exports/offline.csv?from=2026-12-02&to=2026-12-08').set(auth).expect(200);
    expect(parse(outside.text, { columns: true })).toEqual([]);
    const payments = await request(app).get('/api/admin/exports/payments.csv').set(auth).expect(200);
    expect(parse(payments.text, { columns: true })).toEqual([]);
  });
});

describe('amounts and currencies that are not a gift', () => {
  beforeEach(() => db.pool.query('TRUNCATE offline_gifts, email_outbox, campaign_total_shards'));

  it.each([
    ['decimals', { amount: 10.5 }, 'amount'],
    ['a negative amount', { amount: -100 }, 'amount'],
    ['zero', { amount: 0 }, 'amount'],
    ['more than an int column holds', { amount: 2 ** 31 }, 'amount'],
    ['a huge amount', { amount: 1e20 }, 'amount'],
    ['an amount as a string', { amount: '100' }, 'amount'],
    ['another currency than the campaign\'s', { currency: 'eur' }, 'currency'],
    ['a date in the future', { receivedOn: '2026-12-11' }, 'receivedOn'],
    ['no method', { method: undefined }, 'method'],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_what, over, field) => {
    const res = await request(app).post('/api/admin/offline-gifts').set(auth).send(gift(over));
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+|Prisma/);
    expect(await count()).toBe(0);
  });
});
