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

export const DEFAULT_CAPACITY: Capacity = {
  checkout: { concurrency: 4, maxWaiting: 64 },
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
