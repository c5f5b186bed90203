import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/listing.ts';
import { money, neutralise } from '../../../src/payments/csv.ts';
import { compareCharge } from '../../../src/payments/reconciliation-report-service.ts';
import type { LedgerPayment, StripeChargeFacts } from '../../../src/payments/reconciliation-report.ts';

describe('neutralise', () => {
  it('prefixes cells a spreadsheet would read as a formula', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x","y")']) expect(neutralise(s)).toBe(`'${s}`);
    for (const s of ['Ann', 'a=b', ' =1', "'=1", '', '1-2']) expect(neutralise(s)).toBe(s);
    expect(neutralise(null)).toBe('');
  });

  it('never leaves a dangerous first character, and only ever adds one quote', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const out = neutralise(s);
      expect(out).not.toMatch(/^[=+\-@\t\r]/);
      expect(out === s || out === `'${s}`).toBe(true);
    }));
  });
});

describe('money', () => {
  it("writes the currency's precision", () => {
    expect(money(2550, 'usd')).toBe('25.50');
    expect(money(-5, 'usd')).toBe('-0.05');
    expect(money(500, 'jpy')).toBe('500');
    expect(money(5120, 'bhd')).toBe('5.120');
    expect(money('123456789012', 'usd')).toBe('1234567890.12');
    expect(money(null, 'usd')).toBe('');
  });
});

describe('cursor', () => {
  it('round-trips and rejects anything else', () => {
    const p = { at: new Date('2026-12-01T10:00:00.123Z'), id: '0b6f3c1e-1111-4222-8333-444455556666' };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
    expect(() => decodeCursor('%%%')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString('base64url'))).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor(p), /^evt_/)).toThrow(/cursor/);
    expect(decodeCursor(undefined)).toBeNull();
  });
});

describe('compareCharge', () => {
  const charge: StripeChargeFacts = {
    chargeId: 'ch_1', paymentIntentId: 'pi_1', status: 'succeeded', currency: 'usd', amount: 2500, amountRefunded: 0,
    created: new Date(), balanceTransactionId: 'txn_1', fee: 103, net: 2397, dispute: null,
  };
  const pay: LedgerPayment = {
    id: 'p1', pledgeId: 'pl1', status: 'succeeded', currency: 'usd', amount: 2500, fee: 103, net: 2397, amountRefunded: 0,
    disputeStatus: 'none', disputedAmount: 0, chargeId: 'ch_1', paymentIntentId: 'pi_1', invoiceId: null, balanceTransactionId: 'txn_1', paidAt: new Date(),
  };
  const kinds = (c: Partial<StripeChargeFacts>, p: Partial<LedgerPayment>) => compareCharge({ ...charge, ...c }, { ...pay, ...p }).map((d) => d.kind);

  it('finds nothing when both sides agree', () => expect(kinds({}, {})).toEqual([]));
  it('finds each mismatch', () => {
    expect(kinds({ currency: 'eur' }, { currency: 'usd' })).toEqual(['amount_mismatch']);
    expect(kinds({ amountRefunded: 100 }, {})).toEqual(['refund_mismatch']);
    expect(kinds({ dispute: { id: 'dp_1', status: 'lost', amount: 2500 } }, { disputeStatus: 'open', disputedAmount: 2500 })).toEqual(['dispute_mismatch']);
    expect(kinds({ dispute: { id: 'dp_1', status: 'open', amount: 2500 } }, { disputeStatus: 'open', disputedAmount: 2500 })).toEqual([]);
    expect(kinds({ fee: null, net: null }, {})).toEqual(['fee_unknown']);
    expect(kinds({}, { fee: null, net: null })).toEqual(['fee_unknown']);
    expect(kinds({}, { balanceTransactionId: 'txn_other' })).toEqual(['fee_mismatch']);
    expect(kinds({}, { status: 'pending' })).toEqual(['status_mismatch']);
  });
});
