// The matching domain as the rest of the service uses it: the ledger's hook (every payment takes
// and gives back its match in its own transaction), the function other gifts call, and staff's
// services on the admin pool.
import type { ProgressMatches } from '../campaigns/campaign-service.ts';
import type { Database } from '../db/client.ts';
import type { MatchesFactory } from '../payments/ledger-rules.ts';
import { createMatchPoolRepository } from './match-pool-repository.ts';
import { toPoolProgress } from './match-pool-service.ts';
import { createMatchAllocationRepository } from './match-allocation-repository.ts';
import { createMatchLedger } from './match-allocation.ts';

export { matchGift } from './match-allocation.ts';
export type { MatchableGift, MatchResult, GiftSource } from './match.ts';

/** The ledger's matches, bound to its transaction. */
export const paymentMatches: MatchesFactory = (client, logger) =>
  createMatchLedger({ allocations: createMatchAllocationRepository(client), logger });

/** The campaign's pools beside its progress (public API, stream, widget, donation page). */
export function matchProgressFor(db: Pick<Database, 'prisma'>): ProgressMatches {
  const pools = createMatchPoolRepository(db);
  return async (campaignId, now) => (await pools.forCampaign(campaignId)).map((p) => toPoolProgress(p, now));
}
