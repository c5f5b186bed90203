// Fees arrive after the money: a payment is recorded from its webhook at once, and its fee, net
// and balance transaction are read from Stripe afterwards, off the webhook's path (Stripe's
// latency would otherwise hold every delivery, and a slow Stripe would slow the whole intake).
// Work is in-process and bounded; anything not done (a restart, Stripe down) is found again by
// recovery (npm run reconcile), which fills every payment whose fee is still unknown.
//
// The reads go out a few at a time; what they find is written in one statement per round (group
// commit: the first fee found is written at once, those found while that write runs go together
// in the next), so a busy intake pays one write for many fees, not one each.
import type { Logger } from 'pino';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';
import type { ChargeSettlement } from './payment.ts';

export interface FeeStore {
  /** Records each settlement on its payment intent's payment, where the fee is still unknown. */
  fillSettlementsByPaymentIntent(settlements: ChargeSettlement[]): Promise<void>;
}

export interface FeeFiller {
  /** Reads the fee of this payment intent's charge soon, and records it. */
  fill(paymentIntentId: string): void;
  /** Resolves when nothing is queued, in flight or waiting to be written (tests, shutdown). */
  idle(): Promise<void>;
}

export function createFeeFiller(deps: {
  gateway: LedgerGateway;
  store: FeeStore;
  logger: Logger;
  concurrency?: number;
  maxQueue?: number;
  /** At most this many fees in one write. */
  maxBatch?: number;
}): FeeFiller {
  const concurrency = deps.concurrency ?? 4;
  const maxQueue = deps.maxQueue ?? 10_000;
  const maxBatch = deps.maxBatch ?? 200;
  const queue = new Set<string>();
  // Read from Stripe, not written yet; by payment intent, so a fee read twice is written once.
  const found = new Map<string, ChargeSettlement>();
  let reading = 0;
  let writing = false;
  let waiters: Array<() => void> = [];

  const settleIdle = () => {
    if (reading === 0 && queue.size === 0 && !writing && found.size === 0) {
      waiters.forEach((resolve) => resolve());
      waiters = [];
    }
  };

  async function read(paymentIntentId: string): Promise<void> {
    try {
      const facts = await deps.gateway.chargeSettlement(paymentIntentId);
      if (facts && facts.fee !== null) found.set(paymentIntentId, facts);
    } catch (error) {
      deps.logger.warn({ err: error, paymentIntentId }, 'fee not available from Stripe now: recovery (npm run reconcile) will fill it');
    }
  }

  /** Writes what the reads found, one statement at a time. */
  function write(): void {
    if (writing || found.size === 0) return;
    const batch = [...found.values()].slice(0, maxBatch);
    batch.forEach((s) => found.delete(s.paymentIntentId));
    writing = true;
    void deps.store
      .fillSettlementsByPaymentIntent(batch)
      .catch((error: unknown) => {
        const paymentIntentIds = batch.map((s) => s.paymentIntentId);
        deps.logger.warn({ err: error, paymentIntentIds }, 'fees not recorded now: recovery (npm run reconcile) will fill them');
      })
      .finally(() => {
        writing = false;
        write();
        settleIdle();
      });
  }

  function pump(): void {
    while (reading < concurrency && queue.size > 0) {
      const next = queue.values().next().value as string;
      queue.delete(next);
      reading++;
      void read(next).finally(() => {
        reading--;
        write();
        pump();
        settleIdle();
      });
    }
  }

  return {
    fill(paymentIntentId) {
      if (queue.size >= maxQueue) {
        deps.logger.warn({ paymentIntentId }, 'fee queue full: recovery (npm run reconcile) will fill this fee');
        return;
      }
      queue.add(paymentIntentId);
      pump();
    },
    idle() {
      if (reading === 0 && queue.size === 0 && !writing && found.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
