// payments.csv is COPY's text format rewritten as CSV in Node (src/payments/copy-csv.ts). Here the
// text comes from PostgreSQL itself, for any strings (tabs, backslashes, line breaks, quotes,
// formulas, any Unicode), cut into chunks anywhere (a character's bytes split across chunks
// included), and must come out as csv-stringify writes csv.ts's cells.
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { to as copyTo } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cells, copyTextToCsv } from '../../../src/payments/copy-csv.ts';
import { dateOnly, isoUtc, money, neutralise, yesNo } from '../../../src/payments/csv.ts';
import { EXPORT_SETTINGS } from '../../../src/payments/export-repository.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query(`CREATE TABLE copy_probe (i int PRIMARY KEY, v text, b boolean, at timestamptz(3), amount bigint, currency text)`);
});
afterAll(async () => {
  await db.drop();
});

const COLUMNS = ['i', 'v', 'b', 'at', 'day', 'amount', 'currency'];
const FORMAT = [cells.plain, cells.text, cells.bool, cells.instant, cells.day, cells.money(6), cells.plain];
const COPY_SQL = `COPY (SELECT i, v, b, at, at, amount, currency FROM copy_probe ORDER BY i) TO STDOUT`;

interface Probe { v: string | null; b: boolean; at: Date | null; amount: number | null; currency: string }

async function viaCopy(cuts: number[]): Promise<string> {
  const client = await db.pool.connect();
  try {
    // As copyOut sets them for the export.
    for (const [name, value] of EXPORT_SETTINGS) await client.query(`SELECT set_config($1, $2, false)`, [name, value]);
    const chunks: Buffer[] = [];
    for await (const chunk of client.query(copyTo(COPY_SQL))) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    // Re-cut PostgreSQL's bytes at arbitrary offsets before the transform sees them.
    const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const pieces = [0, ...offsets, bytes.length].slice(1).map((end, k, all) => bytes.subarray(k ? all[k - 1] : 0, end));
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(pieces).pipe(copyTextToCsv(COLUMNS, FORMAT))) out.push(chunk as Buffer);
    return Buffer.concat(out).toString('utf8');
  } finally {
    client.release(true);
  }
}

function reference(rows: Probe[]): string {
  return stringify(rows.map((r, i) => [
    String(i), neutralise(r.v), yesNo(r.b), isoUtc(r.at), dateOnly(r.at), money(r.amount, r.currency), r.currency,
  ]), { header: true, columns: COLUMNS });
}

async function load(rows: Probe[]) {
  await db.pool.query('TRUNCATE copy_probe');
  await db.pool.query(
    `INSERT INTO copy_probe SELECT i - 1, v, b, at, amount, currency
     FROM unnest($1::text[], $2::boolean[], $3::timestamptz[], $4::bigint[], $5::text[]) WITH ORDINALITY AS t(v, b, at, amount, currency, i)`,
    [rows.map((r) => r.v), rows.map((r) => r.b), rows.map((r) => r.at), rows.map((r) => r.amount), rows.map((r) => r.currency)],
  );
}

// Characters COPY escapes or CSV quotes, formula starts, and multibyte ones; PostgreSQL text holds no NUL.
const tricky = fc.constantFrom('\t', '\n', '\r', '\\', '\b', '\f', '\v', '"', ',', '=', '+', '-', '@', "'", 'N', '.', 'é', '😀', '＝', '\u2028');
const text = fc.string({ unit: fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 12 })
  .map((s) => s.replaceAll('\u0000', ''));
const probe: fc.Arbitrary<Probe> = fc.record({
  v: fc.option(text, { nil: null }),
  b: fc.boolean(),
  // Any four-digit year, and mostly this century's (with its milliseconds' trailing zeros).
  at: fc.option(fc.oneof(
    fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
    fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom(new Date('2026-12-31T23:59:59.000Z'), new Date('2026-12-31T23:59:59.100Z'), new Date('2026-12-31T23:59:59.120Z')),
  ), { nil: null }),
  amount: fc.option(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), { nil: null }),
  currency: fc.constantFrom('usd', 'jpy', 'kwd', 'eur'),
});

describe('COPY text to CSV', () => {
  it('writes what csv-stringify writes of csv.ts cells, however the bytes are cut', async () => {
    await fc.assert(fc.asyncProperty(fc.array(probe, { maxLength: 25 }), fc.array(fc.nat(), { maxLength: 12 }), async (rows, cuts) => {
      await load(rows);
      expect(await viaCopy(cuts)).toBe(reference(rows));
    }), { numRuns: 150 });
  });

  it('the edge cases, named: COPY escapes, a lone \\N and \\. , formulas, quotes and line breaks', async () => {
    const values = ['\\N', '\\.', 'a\tb', 'back\\slash', 'line\nbreak', 'cr\rlf', '"q"', 'a,b', '=1+1', '-5', '', null, '😀'.repeat(3)];
    const rows = values.map((v) => ({ v, b: true, at: new Date('2026-12-31T23:59:59.999Z'), amount: -5, currency: 'usd' }));
    await load(rows);
    const cutEverywhere = Array.from({ length: 400 }, (_, k) => k);
    const csv = await viaCopy(cutEverywhere);
    expect(csv).toBe(reference(rows));
    expect(csv).toContain('\n1,\\.,true,2026-12-31T23:59:59.999Z,2026-12-31,-0.05,usd\n');
    expect(csv).toContain(`\n8,'=1+1,`);
    expect(csv).toContain('\n4,"line\nbreak",');
  });

  it('an empty COPY is the header alone', async () => {
    await load([]);
    expect(await viaCopy([])).toBe(`${COLUMNS.join(',')}\n`);
  });
});
