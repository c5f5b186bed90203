// How much of the instance each kind of long-lived work may hold, in one place (the README's
// "Capacity and timeouts" states the same numbers). createApp takes overrides for tests only.
export interface Capacity {
  checkout: {
    /** Pledges creating their Checkout Session at once (database work and a Stripe call each). */
    concurrency: number;
    /** Repeat attempts allowed to wait for a place (newcomers always wait: the budget bounds them). */
    maxWaiting: number;
  };
  exports: {
    /** CSV exports streaming at once; each holds a connection of the admin pool. */
    concurrent: number;
    /** An export whose client has taken no bytes for this long is ended. */
    stallMs: number;
  };
  digestSignUps: {
    /** Digest sign-ups writing at once: each holds a connection of the donors' pool for its transaction. */
    concurrency: number;
    /** Sign-ups allowed to wait for a place (without a connection); beyond them, a 429. */
    maxWaiting: number;
  };
  streams: {
    /** Live progress streams (Server-Sent Events) open at once, all clients together. */
    total: number;
    /** ...and from one client address. */
    perClient: number;
  };
}

// Checkout: a pledge holds a database connection only for its two short statements, never across
// the Stripe call, so 8 at once leave the 10-connection pool to webhooks. At Stripe's usual
// 200-400 ms for a session, 8 at once make 20-40 sessions a second: above the global budget's
// default 10 a second (so the budget, not the lane, is what bounds card testers), within Stripe's
// 100 writes a second. At 4, a year-end night with the budget raised hit the lane first.
export const DEFAULT_CAPACITY: Capacity = {
  checkout: { concurrency: 8, maxWaiting: 64 },
  exports: { concurrent: 2, stallMs: 30_000 },
  digestSignUps: { concurrency: 2, maxWaiting: 100 },
  streams: { total: 2_000, perClient: 16 },
};

export function capacityWith(overrides: { [K in keyof Capacity]?: Partial<Capacity[K]> } = {}): Capacity {
  return {
    checkout: { ...DEFAULT_CAPACITY.checkout, ...overrides.checkout },
    exports: { ...DEFAULT_CAPACITY.exports, ...overrides.exports },
    digestSignUps: { ...DEFAULT_CAPACITY.digestSignUps, ...overrides.digestSignUps },
    streams: { ...DEFAULT_CAPACITY.streams, ...overrides.streams },
  };
}
