-- SQL twins of formatMinor (src/money/currency.ts) and neutralise (src/admin/csv.ts), so that the
-- CSV exports can be written by PostgreSQL itself (COPY (SELECT ...) TO STDOUT WITH CSV) with the
-- same cells the TypeScript writes. Both are a single SELECT of one expression, not STRICT, not
-- SECURITY DEFINER, IMMUTABLE with only immutable functions inside, so the planner inlines them
-- into the export query: no per-call function overhead on a million rows.
--
-- The currency lists MUST stay equal to ZERO_DECIMAL and THREE_DECIMAL in src/money/currency.ts:
-- test/integration/admin/csv-functions.test.ts compares format_minor with formatMinor for every
-- supported currency.

-- Minor units as a plain decimal string in the currency's precision: 2550 usd -> '25.50',
-- 500 jpy -> '500', 5120 bhd -> '5.120', -5 usd -> '-0.05'. NULL in, NULL out.
-- Multiplying by 0.01 / 0.001 is exact in numeric and gives exactly 2 / 3 digits of scale.
-- The common (two-decimal) case costs one hashed lookup in the list of the other 21 currencies.
CREATE FUNCTION format_minor(amount bigint, currency text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN currency = ANY ('{bif,clp,djf,gnf,jpy,kmf,krw,mga,pyg,rwf,ugx,vnd,vuv,xaf,xof,xpf,bhd,jod,kwd,omr,tnd}'::text[]) THEN
      CASE WHEN currency = ANY ('{bhd,jod,kwd,omr,tnd}'::text[])
        THEN (amount * 0.001)::text
        ELSE amount::text
      END
    ELSE (amount * 0.01)::text
  END
$$;

-- A text cell that is safe to open in a spreadsheet: a value starting with = + - @ tab or CR gets
-- a leading single quote (OWASP's CSV injection advice; the rule of neutralise in
-- src/admin/csv.ts). Returns NULL for NULL and for '' so that COPY ... CSV writes an empty,
-- unquoted cell (COPY quotes an empty string as "" to tell it from NULL; the exports have always
-- written both as nothing). ascii() of the first character, once, in a simple CASE: '' is 0,
-- '=' 61, '+' 43, '-' 45, '@' 64, tab 9, CR 13.
CREATE FUNCTION csv_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE ascii(value)
    WHEN 0 THEN NULL
    WHEN 61 THEN '''' || value
    WHEN 43 THEN '''' || value
    WHEN 45 THEN '''' || value
    WHEN 64 THEN '''' || value
    WHEN 9 THEN '''' || value
    WHEN 13 THEN '''' || value
    ELSE value
  END
$$;
