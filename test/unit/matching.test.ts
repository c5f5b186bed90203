// The arithmetic of one match, alone: the window, the weight of a monthly gift, the room left,
// and what an allocation holds as its gift is refunded and the refund fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { giftWeight, poolTakes, roomFor, settledAmount } from '../../src/matching/match.ts';

const pool = {
  startsAt: new Date('2026-12-01T00:00:00Z'), endsAt: new Date('2027-01-01T00:00:00Z'), closedAt: null as Date | null, currency: 'usd',
};

describe('matching arithmetic', () => {
  it('a pool takes gifts made inside its window, before it was closed, in its currency', () => {
    expect(poolTakes(pool, { at: new Date('2026-12-01T00:00:00Z'), currency: 'usd' })).toBe(true);
    expect(poolTakes(pool, { at: new Date('2027-01-01T00:00:00Z'), currency: 'usd' })).toBe(false);
    expect(poolTakes(pool, { at: new Date('2026-12-15T00:00:00Z'), currency: 'eur' })).toBe(false);
    expect(poolTakes({ ...pool, closedAt: new Date('2026-12-10T00:00:00Z') }, { at: new Date('2026-12-15T00:00:00Z'), currency: 'usd' })).toBe(false);
  });

  it('a monthly gift counts as N installments only under that rule', () => {
    expect(giftWeight({ monthly: 'installments', monthlyInstallments: 12 }, { series: 'pledge-1' })).toBe(12);
    expect(giftWeight({ monthly: 'first_installment', monthlyInstallments: 12 }, { series: 'pledge-1' })).toBe(1);
    expect(giftWeight({ monthly: 'installments', monthlyInstallments: 12 }, { series: null })).toBe(1);
  });

  it('room is the least of the pool\'s and the donor\'s, never negative', () => {
    expect(roomFor({ cap: 1000, allocated: 400, perDonorCap: null }, 0)).toBe(600);
    expect(roomFor({ cap: 1000, allocated: 400, perDonorCap: 300 }, 100)).toBe(200);
    expect(roomFor({ cap: 1000, allocated: 400, perDonorCap: 300 }, 500)).toBe(0);
  });

  it('an allocation never exceeds what it first took, nor the multiple of what stands, nor the room to grow', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(20_000), fc.nat(10_000), (original, held, wanted, room) => {
        const amount = Math.min(held, original);
        const next = settledAmount({ original, amount }, wanted, room);
        expect(next).toBeGreaterThanOrEqual(0);
        expect(next).toBeLessThanOrEqual(Math.min(original, wanted));
        if (next > amount) expect(next - amount).toBeLessThanOrEqual(room);
      }),
    );
    expect(settledAmount({ original: 2000, amount: 2000 }, 3000, 0)).toBe(2000);
    expect(settledAmount({ original: 2000, amount: 2000 }, 1000, 0)).toBe(1000);
    expect(settledAmount({ original: 4000, amount: 2500 }, 4000, 500)).toBe(3000);
  });
});
