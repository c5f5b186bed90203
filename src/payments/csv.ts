// CSV cells that are safe to open in a spreadsheet. A donor controls their name, email, message
// and dedication; a cell starting with = + - @ tab or CR is read by Excel, LibreOffice and Sheets
// as a formula (`=HYPERLINK(...)` exfiltrating the sheet). OWASP's advice: prefix such cells with
// a single quote so they are shown as text. Applied to every text cell; amounts and dates are
// written by this service from numbers, never from input, and stay numbers.
//
// payments.csv is written with these functions (copy-csv.ts). The pledges, payouts and matches
// exports are written by PostgreSQL (COPY ... CSV) with SQL twins of neutralise and formatMinor:
// csv_text and format_minor in prisma/migrations/*_csv_functions. Change a rule here, change it
// there too (a test compares them).
import { formatMinor } from '../money/currency.ts';

// = + - @ tab CR, by character code: payments.csv runs this on eight cells of a million rows.
const FORMULA_START = new Set([0x3d, 0x2b, 0x2d, 0x40, 0x09, 0x0d]);

export function neutralise(value: string | null | undefined): string {
  if (value == null) return '';
  return FORMULA_START.has(value.charCodeAt(0)) ? `'${value}` : value;
}

export const isoUtc = (date: Date | null | undefined): string => (date ? date.toISOString() : '');

export const dateOnly = (date: Date | null | undefined): string => (date ? date.toISOString().slice(0, 10) : '');

/** Integer minor units as a decimal string in the currency's precision; '' when unknown. */
export const money = (amount: number | string | null | undefined, currency: string): string =>
  amount == null ? '' : formatMinor(Number(amount), currency);

export const yesNo = (value: boolean): string => (value ? 'true' : 'false');
