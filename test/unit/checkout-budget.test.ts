// The global card-testing budget (issue 12, item 1), on a simulated clock: what 100 attacking
// addresses, each at the per-address limit, can and cannot do to a donor on a fresh address.
import { describe, expect, it } from 'vitest';
import { createCheckoutBudget } from '../../src/http/checkout-budget.ts';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('checkout budget', () => {
  it('admits a minute of budget, then refills continuously at the budget rate', () => {
    const c = clock();
    const budget = createCheckoutBudget({ perMinute: 60, now: c.now });
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (budget.take(`10.0.${i >> 8}.${i & 255}`).admitted) admitted++;
    expect(admitted).toBe(60);
    const refused = budget.take('10.9.9.9');
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 1 });
    c.advance(1_000);
    expect(budget.take('10.9.9.9').admitted).toBe(true);
  });

  it('keeps the last quarter for addresses not seen this minute', () => {
    const c = clock();
    const budget = createCheckoutBudget({ perMinute: 600, now: c.now });
    // One address hammering: it drains the shared part, never the reserve.
    let fromOne = 0;
    for (let i = 0; i < 1000; i++) if (budget.take('203.0.113.7').admitted) fromOne++;
    expect(fromOne).toBe(450);
    const refused = budget.take('203.0.113.7');
    expect(refused.admitted).toBe(false);
    expect(refused.admitted === false && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // 150 newcomers still get in; the 151st waits for the refill.
    let newcomers = 0;
    for (let i = 0; i < 151; i++) if (budget.take(`198.51.${i >> 8}.${i & 255}`).admitted) newcomers++;
    expect(newcomers).toBe(150);
  });

  it('an address is a newcomer again a minute after its last admitted attempt', () => {
    const c = clock();
    const budget = createCheckoutBudget({ perMinute: 4, now: c.now });
    const drainTo = (left: number) => {
      for (let i = 0; budget.available > left; i++) expect(budget.take(`198.51.100.${(c.now() / 1000 + i) & 255}`).admitted).toBe(true);
    };
    expect(budget.take('192.0.2.1').admitted).toBe(true);
    drainTo(1);
    expect(budget.take('192.0.2.1').admitted).toBe(false); // 1 token left: the reserve
    c.advance(59_000);
    drainTo(1);
    expect(budget.take('192.0.2.1').admitted).toBe(false); // still seen this minute
    c.advance(1_000);
    expect(budget.take('192.0.2.1').admitted).toBe(true); // a minute after its last admission
  });

  it('groups IPv6 addresses by /56, as the per-address limiter does', () => {
    const c = clock();
    const budget = createCheckoutBudget({ perMinute: 4, now: c.now });
    for (let i = 0; i < 3; i++) expect(budget.take(`2001:db8:0:1${i}::${i}`).admitted).toBe(true);
    expect(budget.take('2001:db8:0:ff::1').admitted).toBe(false); // same /56: not a newcomer
    expect(budget.take('2001:db8:1::1').admitted).toBe(true); // another /56
  });

  it('100 addresses at the per-address limit for five minutes: every donor on a fresh address gets through, Stripe never sees more than the budget', () => {
    const c = clock();
    const perMinute = 600;
    const budget = createCheckoutBudget({ perMinute, now: c.now });
    const attackers = Array.from({ length: 100 }, (_, i) => `100.64.${i}.1`);
    const admittedPerMinute: number[] = [];
    let donors = 0;
    let donorsRefused = 0;
    for (let minute = 0; minute < 5; minute++) {
      let admitted = 0;
      for (let second = 0; second < 60; second++) {
        // The worst timing: each attacker fires its whole per-address allowance (10 a minute) at
        // the start of the minute, then a trickle; the donor arrives just after.
        for (const address of attackers) {
          const shots = second === 0 ? 9 : second === 30 ? 1 : 0;
          for (let s = 0; s < shots; s++) if (budget.take(address).admitted) admitted++;
        }
        donors++;
        const donor = budget.take(`192.0.${minute}.${second + 1}`);
        if (donor.admitted) admitted++;
        else donorsRefused++;
        c.advance(1_000);
      }
      admittedPerMinute.push(admitted);
    }
    expect(donorsRefused).toBe(0);
    expect(donors).toBe(300);
    // A minute of budget in the bucket at the start, then the refill rate.
    expect(admittedPerMinute[0]).toBeLessThanOrEqual(2 * perMinute);
    for (const admitted of admittedPerMinute.slice(1)) expect(admitted).toBeLessThanOrEqual(perMinute + 1);
  });
});
