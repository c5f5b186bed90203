import { describe, expect, it } from 'vitest';
import { boundedCache, dateTimeFormat, numberFormat } from '../../src/intl-formats.ts';
import { formatMoney } from '../../src/money/currency.ts';
import { formatMoney as receiptMoney, longDate } from '../../src/receipts/receipt-content.ts';

describe('Intl formatters built once', () => {
  it('gives back the same formatter for the same locale and options, another for others', () => {
    const a = dateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'America/New_York' });
    expect(dateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'America/New_York' })).toBe(a);
    expect(dateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'Asia/Tokyo' })).not.toBe(a);
    expect(numberFormat('en-US', { style: 'currency', currency: 'USD' })).toBe(numberFormat('en-US', { style: 'currency', currency: 'USD' }));
  });

  it('formats as a formatter built for the call would', () => {
    const at = new Date('2026-12-31T23:30:00Z');
    expect(longDate(at, 'America/New_York')).toBe('December 31, 2026');
    expect(longDate(at, 'Asia/Tokyo')).toBe('January 1, 2027');
    expect(receiptMoney(2500, 'usd')).toBe('$25.00');
    expect(receiptMoney(500, 'jpy')).toBe('¥500');
    expect(receiptMoney(5120, 'kwd')).toBe('KWD\u00a05.120');
    // The people's format drops ".00" on whole amounts, the receipt's keeps it: two cache keys.
    expect(formatMoney(2500, 'usd')).toBe('$25');
    expect(formatMoney(2550, 'usd')).toBe('$25.50');
    expect(formatMoney(2550, 'eur', 'de-DE')).toBe('25,50\u00a0€');
  });

  it('holds at most its bound, dropping the oldest first', () => {
    let built = 0;
    const cached = boundedCache((locale, options) => ({ locale, options, n: ++built }), 2);
    const first = cached('en-US', { a: 1 });
    cached('en-US', { a: 2 });
    expect(cached('en-US', { a: 1 })).toBe(first);
    cached('en-US', { a: 3 }); // evicts { a: 1 }, the oldest in
    expect(built).toBe(3);
    expect(cached('en-US', { a: 1 })).not.toBe(first);
    expect(built).toBe(4);
  });
});
