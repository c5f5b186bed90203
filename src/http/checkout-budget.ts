// The global card-testing limit, counted where it protects something: each attempt that is about
// to create a Checkout Session at Stripe (validated, campaign open, amount fine, not an idempotent
// replay). Junk that is refused before any work (415, 400...) never touches it.
//
// A token bucket holds a minute of budget (PLEDGE_RATE_LIMIT_GLOBAL_PER_MINUTE tokens, refilled
// continuously at that rate), with a reserve for newcomers: the last quarter of the bucket can only
// be taken by an address's first attempt in a minute. Each address already makes at most
// PLEDGE_RATE_LIMIT_PER_MINUTE requests a minute (the per-address limiter), so with the defaults
// (10 and 600) an attacker on 100 addresses can drain the shared three quarters, but takes at most
// 100 of the 150 reserved tokens, once a minute, while the bucket refills 10 a second: a donor on
// an address not seen this minute always finds a token. What they cannot do is push Stripe past the
// budget; what they can do is make a returning address (one that already tried this minute) wait
// for Retry-After while the attack lasts. Beyond ~150 addresses firing at the same instant the
// reserve can run dry for a moment (then a fresh donor waits a second or so): that is a botnet,
// for Stripe Radar and a challenge page rather than an address count.
//
// Per instance, like the per-address limiter: N instances allow N times the budget.
import { clientKey } from './client-key.ts';

/** `newcomer`: the address's first admitted attempt in the window (checkout-lane.ts serves it first). */
export type BudgetDecision = { admitted: true; newcomer: boolean } | { admitted: false; retryAfterSeconds: number };

export interface CheckoutBudget {
  /** Takes one attempt for this client address, or says how long until one is free. */
  take(clientAddress: string | undefined): BudgetDecision;
  /** Tokens left now (for metrics and tests). */
  readonly available: number;
}

export interface CheckoutBudgetOptions {
  perMinute: number;
  /** Share of the bucket that only an address's first attempt in a window may take. */
  reserveShare?: number;
  /** How long an address counts as seen after its last admitted attempt. */
  windowMs?: number;
  now?: () => number;
}

export function createCheckoutBudget(options: CheckoutBudgetOptions): CheckoutBudget {
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60_000;
  const capacity = options.perMinute;
  const perMs = options.perMinute / 60_000;
  const reserve = Math.floor(capacity * (options.reserveShare ?? 0.25));
  let tokens = capacity;
  let updatedAt = now();
  // Address -> time of its last admitted attempt, oldest first (re-inserted on each admission), so
  // the sweep stops at the first recent one. Only admitted attempts enter: at most about two
  // minutes of budget, whatever the number of addresses trying.
  const seen = new Map<string, number>();

  function refill(at: number): void {
    tokens = Math.min(capacity, tokens + (at - updatedAt) * perMs);
    updatedAt = at;
    for (const [key, last] of seen) {
      if (at - last < windowMs) break;
      seen.delete(key);
    }
  }

  return {
    take(clientAddress) {
      const at = now();
      refill(at);
      const key = clientKey(clientAddress);
      // A newcomer may take the last token; an address that already tried this window may not
      // dig into the reserve.
      const newcomer = !seen.has(key);
      const floor = newcomer ? 0 : reserve;
      if (tokens - 1 < floor) {
        return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil((floor + 1 - tokens) / perMs / 1000)) };
      }
      tokens -= 1;
      seen.delete(key);
      seen.set(key, at);
      return { admitted: true, newcomer };
    },
    get available() {
      refill(now());
      return Math.floor(tokens);
    },
  };
}
