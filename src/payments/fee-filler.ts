// Fees arrive after the money: a payment is recorded from its webhook at once, and its fee, net
// and balance transaction are read from Stripe afterwards, off the webhook's path (Stripe's
// latency would otherwise hold every delivery, and a slow Stripe would slow the whole intake).
// Work is in-process and bounded; anything not done (a restart, Stripe down) is found again by
// recovery (npm run reconcile), which fills every payment whose fee is still unknown.
import type { Logger } from 'pino';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';
import type { ChargeSettlement } from './payment.ts';

export interface FeeStore {
  fillSettlementByPaymentIntent(paymentIntentId: string, facts: ChargeSettlement): Promise<void>;
}

export interface FeeFiller {
  /** Reads the fee of this payment intent's charge soon, and records it. */
  fill(paymentIntentId: string): void;
  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void>;
}

export function createFeeFiller(deps: {
  gateway: LedgerGateway;
  store: FeeStore;
  logger: Logger;
  concurrency?: number;
  maxQueue?: number;
}): FeeFiller {
  const concurrency = deps.concurrency ?? 4;
  const maxQueue = deps.maxQueue ?? 10_000;
  const queue = new Set<string>();
  let running = 0;
  let waiters: Array<() => void> = [];

  const settleIdle = () => {
    if (running === 0 && queue.size === 0) {
      waiters.forEach((resolve) => resolve());
      waiters = [];
    }
  };

  async function work(paymentIntentId: string): Promise<void> {
    try {
      const facts = await deps.gateway.chargeSettlement(paymentIntentId);
      if (facts && facts.fee !== null) await deps.store.fillSettlementByPaymentIntent(paymentIntentId, facts);
    } catch (error) {
      deps.logger.warn({ err: error, paymentIntentId }, 'fee not available from Stripe now: recovery (npm run reconcile) will fill it');
    }
  }

  function pump(): void {
    while (running < concurrency && queue.size > 0) {
      const next = queue.values().next().value as string;
      queue.delete(next);
      running++;
      void work(next).finally(() => {
        running--;
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
      if (running === 0 && queue.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
