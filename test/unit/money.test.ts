import { describe, expect, it } from 'vitest';
import {
  decimalsOf, formatMinor, formatMoney, isChargeableAmount, minimumChargeOf, parseMajorAmount,
} from '../../src/money/currency.ts';
import { DEFAULT_FEE_MODEL, expectedFee, grossUpForFees } from '../../src/money/fees.ts';

describe('currency conversion', () => {
  it.each([
    ['25', 'usd', 2500], ['25.5', 'usd', 2550], ['25.50', 'usd', 2550], ['0.50', 'usd', 50], ['1,000', 'usd', 100000],
    ['$ 12.34', 'usd', 1234], ['500', 'jpy', 500], ['1,500', 'krw', 1500], ['5.124', 'bhd', 5124], ['5.1', 'bhd', 5100],
    ['007', 'usd', 700],
  ])('parses %s %s as %d minor units', (input, currency, expected) => {
    expect(parseMajorAmount(input, currency)).toBe(expected);
  });

  it.each([
    ['25.505', 'usd'], ['500.5', 'jpy'], ['5.1234', 'bhd'], ['-5', 'usd'], ['1e3', 'usd'], ['abc', 'usd'], ['', 'usd'],
    ['1,00', 'usd'], ['12.', 'usd'], ['.5', 'usd'], ['9'.repeat(20), 'usd'], ['25,50', 'eur'], ['Infinity', 'usd'],
  ])('refuses %s in %s', (input, currency) => {
    expect(parseMajorAmount(input, currency)).toBeNull();
  });

  it('knows decimals and minimums', () => {
    expect([decimalsOf('usd'), decimalsOf('jpy'), decimalsOf('kwd')]).toEqual([2, 0, 3]);
    expect([minimumChargeOf('usd'), minimumChargeOf('gbp'), minimumChargeOf('jpy'), minimumChargeOf('kwd')]).toEqual([50, 30, 50, 1000]);
    expect(isChargeableAmount(5120, 'bhd')).toBe(true);
    expect(isChargeableAmount(5124, 'bhd')).toBe(false);
  });

  it('formats minor units as decimal strings in the currency precision', () => {
    expect(formatMinor(2550, 'usd')).toBe('25.50');
    expect(formatMinor(5, 'usd')).toBe('0.05');
    expect(formatMinor(-1234, 'eur')).toBe('-12.34');
    expect(formatMinor(500, 'jpy')).toBe('500');
    expect(formatMinor(5124, 'bhd')).toBe('5.124');
    expect(formatMoney(2550, 'usd')).toBe('$25.50');
    expect(formatMoney(2500, 'usd')).toBe('$25');
    expect(formatMoney(500, 'jpy')).toBe('¥500');
  });

  it('round-trips every amount through format and parse', () => {
    for (const currency of ['usd', 'jpy', 'bhd']) {
      for (const amount of [0, 1, 9, 10, 99, 100, 12345, 99_999_999]) {
        expect(parseMajorAmount(formatMinor(amount, currency), currency)).toBe(amount);
      }
    }
  });
});

describe('covering the fee', () => {
  it('grosses up so the campaign receives the intended amount after the modelled fee', () => {
    for (const intended of [50, 100, 999, 2500, 5000, 10_000, 123_457, 1_000_000]) {
      const { gross, coveredFee } = grossUpForFees(intended, DEFAULT_FEE_MODEL);
      expect(gross - coveredFee).toBe(intended);
      expect(gross - expectedFee(gross, DEFAULT_FEE_MODEL)).toBeGreaterThanOrEqual(intended);
      // and not a cent more than needed
      expect(gross - 1 - expectedFee(gross - 1, DEFAULT_FEE_MODEL)).toBeLessThan(intended);
    }
    expect(grossUpForFees(2500, DEFAULT_FEE_MODEL)).toEqual({ gross: 2606, coveredFee: 106 });
  });
});
