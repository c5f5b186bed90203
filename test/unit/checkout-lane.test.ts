// The lane to Stripe (issue 12, item 1): a bounded number of checkouts at once, a newcomer (every
// honest donor) served before any address trying again, and a bounded line of repeat attempts.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/http/app-error.ts';
import { createCheckoutLane } from '../../src/http/checkout-lane.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('checkout lane', () => {
  it('runs at most `concurrency` at once and serves newcomers before repeat attempts', async () => {
    const lane = createCheckoutLane({ concurrency: 2, maxWaiting: 10 });
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const job = (name: string, newcomer: boolean) => {
      const gate = deferred();
      gates.set(name, gate);
      return lane.run(newcomer, async () => {
        order.push(name);
        await gate.promise;
      });
    };
    const all = [job('a1', false), job('a2', false), job('a3', false), job('a4', false), job('donor', true)];
    await Promise.resolve();
    expect(order).toEqual(['a1', 'a2']);
    expect(lane.running).toBe(2);
    expect(lane.waiting).toBe(3);
    gates.get('a1')!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(['a1', 'a2', 'donor']); // ahead of a3 and a4, who came first
    for (const g of gates.values()) g.resolve();
    for (const name of ['a3', 'a4']) {
      await new Promise((r) => setTimeout(r, 0));
      gates.get(name)?.resolve();
    }
    await Promise.all(all);
    expect(order).toEqual(['a1', 'a2', 'donor', 'a3', 'a4']);
    expect(lane.running).toBe(0);
  });

  it('refuses repeat attempts beyond the line with a 429, never a newcomer; a failure frees its place', async () => {
    const lane = createCheckoutLane({ concurrency: 1, maxWaiting: 1 });
    const hold = deferred();
    const first = lane.run(false, () => hold.promise);
    const waiting = lane.run(false, async () => 'second');
    await expect(lane.run(false, async () => 'third')).rejects.toMatchObject({ status: 429, code: 'rate_limited' } satisfies Partial<AppError>);
    const donor = lane.run(true, async () => 'donor');
    hold.resolve();
    await first;
    expect(await donor).toBe('donor');
    expect(await waiting).toBe('second');
    await expect(lane.run(true, async () => { throw new Error('stripe down'); })).rejects.toThrow('stripe down');
    expect(await lane.run(false, async () => 'after')).toBe('after');
    expect(lane.running).toBe(0);
  });
});
