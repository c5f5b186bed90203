// What a pledge passes through on its way to Stripe: the global budget (checkout-budget.ts: may it
// call Stripe at all this minute?) and the lane (checkout-lane.ts: how many at once, newcomers
// first). Refusals are 429s with Retry-After, logged at most every ten seconds with their count (an
// attack must not become as many log lines).
import type { Logger } from 'pino';
import { AppError } from './app-error.ts';
import type { CheckoutBudget } from './checkout-budget.ts';
import type { CheckoutLane } from './checkout-lane.ts';

export interface CheckoutGate {
  /** Runs `work` (which calls Stripe) if the budget allows this client an attempt; else a 429. */
  enter<T>(clientAddress: string | undefined, work: () => Promise<T>): Promise<T>;
}

const LOG_EVERY_MS = 10_000;

export function createCheckoutGate(deps: { budget: CheckoutBudget; lane: CheckoutLane; logger: Logger }): CheckoutGate {
  let refused = 0;
  let loggedAt = 0;
  return {
    enter(clientAddress, work) {
      const decision = deps.budget.take(clientAddress);
      if (!decision.admitted) {
        refused++;
        if (Date.now() - loggedAt >= LOG_EVERY_MS) {
          deps.logger.warn({ limiter: 'global', clientAddress, retryAfter: decision.retryAfterSeconds, refused }, 'pledge rate limit hit');
          loggedAt = Date.now();
          refused = 0;
        }
        throw new AppError(429, 'rate_limited', 'Too many donation attempts right now. Please wait a moment and try again.', undefined, {
          'Retry-After': String(decision.retryAfterSeconds),
        });
      }
      return deps.lane.run(decision.newcomer, work);
    },
  };
}
