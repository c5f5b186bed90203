-- csv_text (20261129043201_csv_functions) with a fast path for the common cell. Every character
-- that makes a cell a formula (= 61, + 43, - 45, @ 64, tab 9, CR 13), and the empty string
-- (ascii 0), is at or below 64; a name, an email or a Stripe id starts with a letter (65 and up).
-- The simple CASE compared every cell with each of the seven codes in turn: seven comparisons per
-- cell, some twelve text cells per row of payments.csv. Now one comparison for a cell starting
-- above '@', and the same seven only for the rest. Same results (the csv-functions test compares
-- it with neutralise); still one SELECT of one expression, IMMUTABLE and PARALLEL SAFE, so it is
-- still inlined into the export queries.
CREATE OR REPLACE FUNCTION csv_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN ascii(value) > 64 THEN value
    ELSE CASE ascii(value)
      WHEN 0 THEN NULL
      WHEN 61 THEN '''' || value
      WHEN 43 THEN '''' || value
      WHEN 45 THEN '''' || value
      WHEN 64 THEN '''' || value
      WHEN 9 THEN '''' || value
      WHEN 13 THEN '''' || value
      ELSE value
    END
  END
$$;
