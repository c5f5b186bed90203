// COPY's text format turned into the export's CSV in Node, for payments.csv (a million rows at the
// year's end). PostgreSQL formatting every cell itself (to_char, format_minor, csv_text: see
// export-repository.ts) cost it more than the COPY: measured on 1M rows, the formatted query took
// 9.3 s against 6.0 s for the plain one, on a machine whose two cores it shares with the app. Here
// PostgreSQL sends the raw values, as its plain COPY would (instants in its ISO text, amounts as
// integers, booleans as t/f) and the app, otherwise idle during an export, writes the cells with csv.ts's own rules:
// the same bytes (a test compares them with csv-stringify over csv.ts), with one source for them.
//
// COPY text: one row a line, cells split by tabs, NULL as \N, and a backslash escape for a
// backslash, newline, carriage return, tab, backspace, form feed and vertical tab in a value, so a
// raw newline always ends a row.
import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { decimalsOf, formatMinorIn } from '../money/currency.ts';
import { neutralise, yesNo } from './csv.ts';

/** One cell's text from its COPY value (null for NULL) and the row's other raw values. */
export type Cell = (value: string | null, row: Array<string | null>) => string;

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

function unescapeCopy(value: string): string | null {
  if (value === '\\N') return null;
  if (!value.includes('\\')) return value;
  return value.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c);
}

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180 quoting, as csv-stringify and PostgreSQL's CSV write it; an empty cell is left bare. */
function quote(cell: string): string {
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * PostgreSQL's text for a timestamptz with TimeZone UTC and DateStyle ISO (copyOut sets both),
 * "2026-11-01 10:05:00.01+00", as Date.prototype.toISOString writes it, "2026-11-01T10:05:00.010Z":
 * the same text rearranged, the milliseconds padded (PostgreSQL drops trailing zeros). Years are
 * four digits (1000 to 9999), as any payment's are.
 */
function isoFromPg(value: string): string {
  const frac = value.slice(19, value.length - 3); // '' or '.0' to '.000', before the "+00"
  return `${value.slice(0, 10)}T${value.slice(11, 19)}${frac ? frac.padEnd(4, '0') : '.000'}Z`;
}

export const cells = {
  /** A value that cannot need quoting or neutralising (uuids, enums, slugs, currency codes). */
  plain: ((value) => value ?? '') as Cell,
  text: ((value) => quote(neutralise(value))) as Cell,
  bool: ((value) => yesNo(value === 't')) as Cell,
  /** A timestamptz as ISO 8601 UTC (csv.ts's isoUtc). */
  instant: ((value) => (value == null ? '' : isoFromPg(value))) as Cell,
  /** A timestamptz as its UTC date (csv.ts's dateOnly). */
  day: ((value) => (value == null ? '' : value.slice(0, 10))) as Cell,
  /** Integer minor units in the currency of the row's cell at `currencyAt`. */
  money: (currencyAt: number): Cell => {
    // The rows of an export are nearly all in one currency: look its decimals up once a change.
    let currency: string | undefined;
    let decimals = 0;
    return (value, row) => {
      if (value == null) return '';
      const rowCurrency = row[currencyAt] ?? '';
      if (rowCurrency !== currency) decimals = decimalsOf((currency = rowCurrency));
      return formatMinorIn(Number(value), decimals);
    };
  },
};

/**
 * A Transform from the bytes of `COPY (...) TO STDOUT` (text format, no header) to CSV with this
 * header and these cells, one per column in order.
 */
export function copyTextToCsv(columns: readonly string[], format: readonly Cell[]): Transform {
  if (columns.length !== format.length) throw new Error('copyTextToCsv: one cell format per column');
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let header = `${columns.map(quote).join(',')}\n`;
  // One array for every row's raw values, refilled in place: a million rows, no array each.
  const row: Array<string | null> = new Array(format.length).fill(null);
  const last = format.length - 1;

  function rows(text: string): string {
    let out = header;
    header = '';
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
      // Every row has a tab between each of its cells, so each tab found before the last cell is this row's.
      for (let i = 0, from = start; i <= last; i++) {
        const to = i === last ? end : text.indexOf('\t', from);
        row[i] = unescapeCopy(text.slice(from, to));
        from = to + 1;
      }
      out += format[0]!(row[0] ?? null, row);
      for (let i = 1; i <= last; i++) out += `,${format[i]!(row[i] ?? null, row)}`;
      out += '\n';
    }
    rest = text.slice(start);
    return out;
  }

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const out = rows(rest + decoder.write(chunk));
      callback(null, out ? Buffer.from(out) : undefined);
    },
    flush(callback) {
      // COPY ends every row with a newline; anything after the last one is a row all the same.
      const tail = rest + decoder.end();
      const out = rows(tail ? `${tail}\n` : '');
      callback(null, out ? Buffer.from(out) : undefined);
    },
  });
}
