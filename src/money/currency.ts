// Currency facts for integer minor units: how many decimals a currency's minor unit has on
// Stripe, and Stripe's minimum charge. Sources: Stripe's docs "Supported currencies" (zero- and
// three-decimal lists) and "Minimum and maximum charge amounts".
import { numberFormat } from '../intl-formats.ts';

// Stripe treats these as zero-decimal: amount 500 means ¥500.
const ZERO_DECIMAL = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);
// Three-decimal: amount 5124 means 5.124 BHD. Stripe requires the last digit to be 0.
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

// Minimum charge in minor units, for the currencies Stripe lists (settlement-currency minimums).
const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50, aed: 200, aud: 50, bgn: 100, brl: 50, cad: 50, chf: 50, czk: 1500, dkk: 250, eur: 50,
  gbp: 30, hkd: 400, huf: 17500, inr: 50, jpy: 50, mxn: 1000, myr: 200, nok: 300, nzd: 50, pln: 200,
  ron: 200, sek: 300, sgd: 50, thb: 1000,
};

// Stripe's amount field takes at most eight digits.
export const STRIPE_MAX_AMOUNT = 99_999_999;

export const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set([
  ...Object.keys(MINIMUM_CHARGE), ...ZERO_DECIMAL, ...THREE_DECIMAL,
]);

export function isSupportedCurrency(currency: string): boolean {
  return SUPPORTED_CURRENCIES.has(currency);
}

/** Digits after the decimal point of the currency's major unit, as Stripe counts them. */
export function decimalsOf(currency: string): number {
  if (ZERO_DECIMAL.has(currency)) return 0;
  if (THREE_DECIMAL.has(currency)) return 3;
  return 2;
}

/**
 * Stripe's minimum charge, in minor units. For currencies without a published minimum, the
 * equivalent of a unit of the major currency (Stripe rejects anything under about US$0.50).
 */
export function minimumChargeOf(currency: string): number {
  return MINIMUM_CHARGE[currency] ?? 10 ** decimalsOf(currency);
}

/** Whether Stripe accepts this minor-unit amount in this currency (three-decimal: last digit 0). */
export function isChargeableAmount(amount: number, currency: string): boolean {
  return Number.isSafeInteger(amount) && (decimalsOf(currency) !== 3 || amount % 10 === 0);
}

const MAJOR_AMOUNT = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * Parses an amount as people type it ("25", "25.50", "1,000", "$25") into integer minor units,
 * without floating point. Returns null when it is not an amount in this currency (too many
 * decimals, letters, negative...).
 */
export function parseMajorAmount(input: string, currency: string): number | null {
  const cleaned = input.trim().replace(/^[$€£¥₩]\s*/, '');
  const match = MAJOR_AMOUNT.exec(cleaned);
  if (!match) return null;
  const decimals = decimalsOf(currency);
  const whole = match[1]!.replace(/,/g, '');
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return null;
  const digits = `${whole}${fraction.padEnd(decimals, '0')}`.replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return null;
  return Number(digits);
}

/** Minor units as a plain decimal string in the currency's precision: 2550 usd -> "25.50". */
export function formatMinor(amount: number, currency: string): string {
  return formatMinorIn(amount, decimalsOf(currency));
}

/** formatMinor with the currency's decimals already looked up (an export's million rows). */
export function formatMinorIn(amount: number, decimals: number): string {
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(decimals + 1, '0');
  if (decimals === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** For people: 2550 usd -> "$25.50", 500 jpy -> "¥500". */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  const decimals = decimalsOf(currency);
  const formatter = numberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: amount % 10 ** decimals === 0 ? 0 : decimals,
    maximumFractionDigits: decimals,
  });
  // Intl's own idea of a currency's decimals can differ from Stripe's; build from the string.
  return formatter.format(Number(formatMinor(amount, currency)));
}
