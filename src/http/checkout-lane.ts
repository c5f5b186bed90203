// How many pledges are creating their Checkout Session at once, and who goes first. A flood of
// valid pledges (card testers inside their budget) would otherwise all run together: each takes
// database connections and a Stripe call, and a donor's request waits behind all of them. At most
// `concurrency` run at once; the others wait in two lines, and a newcomer (an address on its first
// attempt this minute, as every honest donor is) is always served before an address trying again.
// The line of repeat attempts is bounded: beyond it, a 429.
import { AppError } from './app-error.ts';

export interface CheckoutLane {
  /** Runs `work` when a place is free, newcomers first. */
  run<T>(newcomer: boolean, work: () => Promise<T>): Promise<T>;
  /** Running and waiting now (for metrics). */
  readonly running: number;
  readonly waiting: number;
}

export function createCheckoutLane(options: { concurrency: number; maxWaiting: number }): CheckoutLane {
  let running = 0;
  const newcomers: Array<() => void> = [];
  const returning: Array<() => void> = [];

  const next = () => {
    const start = newcomers.shift() ?? returning.shift();
    if (start) start();
    else running--;
  };

  return {
    async run(newcomer, work) {
      if (running >= options.concurrency) {
        const line = newcomer ? newcomers : returning;
        if (!newcomer && returning.length >= options.maxWaiting) {
          throw new AppError(429, 'rate_limited', 'Too many donation attempts right now. Please wait a moment and try again.', undefined, {
            'Retry-After': '5',
          });
        }
        // The place is handed over by `next`, so `running` stays counted.
        await new Promise<void>((resolve) => line.push(resolve));
      } else {
        running++;
      }
      try {
        return await work();
      } finally {
        next();
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return newcomers.length + returning.length;
    },
  };
}
