// Property tests for money: integer minor units in, integer minor units out, in every currency
// Stripe supports, never a float on the way.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decimalsOf, formatMinor, isChargeableAmount, minimumChargeOf, parseMajorAmount, STRIPE_MAX_AMOUNT, SUPPORTED_CURRENCIES,
} from '../../../src/money/currency.ts';
import { expectedFee, grossUpForFees } from '../../../src/money/fees.ts';

const currency = fc.constantFrom(...SUPPORTED_CURRENCIES);
const minor = fc.integer({ min: 0, max: 999_999_999_999_999 }); // 15 digits: what parseMajorAmount accepts

describe('parseMajorAmount and formatMinor', () => {
  it('round-trip every amount in every currency exactly', () => {
    fc.assert(fc.property(minor, currency, (amount, c) => {
      const text = formatMinor(amount, c);
      expect(text).toMatch(decimalsOf(c) === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${decimalsOf(c)}}$`));
      expect(parseMajorAmount(text, c)).toBe(amount);
    }), { numRuns: 2000 });
  });

  it('accept thousands separators and a currency sign the way people type them', () => {
    fc.assert(fc.property(fc.integer({ min: 1000, max: 999_999_999 }), currency, (whole, c) => {
      const grouped = whole.toLocaleString('en-US');
      expect(parseMajorAmount(`$ ${grouped}`, c)).toBe(whole * 10 ** decimalsOf(c));
    }));
  });

  it('give null or a safe non-negative integer for any string, never a float, NaN or Infinity', () => {
    const typed = fc.oneof(
      fc.string(),
      fc.stringMatching(/^[-+$€ ]?\d{0,20}([.,]\d{0,6})?(e\d{1,3})?$/),
      fc.constantFrom('NaN', 'Infinity', '1e309', '0x10', '٢٥', '２５', '-0', '.5', '5.', '1,00', '1,0000'),
    );
    fc.assert(fc.property(typed, currency, (input, c) => {
      const parsed = parseMajorAmount(input, c);
      if (parsed !== null) {
        expect(Number.isSafeInteger(parsed)).toBe(true);
        expect(parsed).toBeGreaterThanOrEqual(0);
      }
    }), { numRuns: 3000 });
  });

  it('refuse more decimals than the currency has', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), currency, fc.integer({ min: 1, max: 9 }), (whole, c, extra) => {
      const fraction = '1'.repeat(decimalsOf(c) + extra);
      expect(parseMajorAmount(`${whole}.${fraction}`, c)).toBeNull();
    }));
  });
});

describe('grossUpForFees', () => {
  const model = fc.record({ percentBps: fc.integer({ min: 0, max: 2_000 }), fixed: fc.integer({ min: 0, max: 10_000 }) });

  it('finds the smallest integer gross that leaves the intended gift after the fee', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: STRIPE_MAX_AMOUNT }), model, (intended, m) => {
      const { gross, coveredFee } = grossUpForFees(intended, m);
      expect(Number.isSafeInteger(gross)).toBe(true);
      expect(Number.isSafeInteger(coveredFee)).toBe(true);
      expect(coveredFee).toBe(gross - intended);
      expect(coveredFee).toBeGreaterThanOrEqual(0);
      expect(gross - expectedFee(gross, m)).toBeGreaterThanOrEqual(intended);
      expect(gross - 1 - expectedFee(gross - 1, m)).toBeLessThan(intended);
      expect(Number.isInteger(expectedFee(gross, m))).toBe(true);
    }), { numRuns: 3000 });
  });

  it('is monotonic: a larger gift never needs a smaller charge', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: STRIPE_MAX_AMOUNT - 1 }), model, (intended, m) => {
      expect(grossUpForFees(intended + 1, m).gross).toBeGreaterThan(grossUpForFees(intended, m).gross);
    }));
  });
});

describe('currency rules', () => {
  it('a minimum charge is itself chargeable, in every currency', () => {
    for (const c of SUPPORTED_CURRENCIES) {
      expect(Number.isSafeInteger(minimumChargeOf(c))).toBe(true);
      expect(isChargeableAmount(minimumChargeOf(c), c)).toBe(true);
    }
  });

  it('floats and unsafe integers are never chargeable', () => {
    fc.assert(fc.property(fc.double({ noNaN: false }), currency, (x, c) => {
      if (!Number.isSafeInteger(x)) expect(isChargeableAmount(x, c)).toBe(false);
    }));
  });
});
