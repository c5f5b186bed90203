// An offline gift takes its match from its campaign's pools in the transaction that records it,
// and gives it back in the one that voids it (src/matching: matchGift, idempotent per gift). Last
// of the gift's effects: matchGift locks the pools' rows, held for as short a time as can be.
import { zonedTimeToUtc } from '../campaigns/campaign.ts';
import { matchGift, type MatchableGift } from '../matching/index.ts';
import type { OfflineGift, OfflineGiftEffectsFactory } from './offline-gift.ts';

function matchable(gift: OfflineGift, liveAmount: number): MatchableGift {
  return {
    source: 'offline',
    sourceId: gift.id,
    campaignId: gift.campaignId,
    currency: gift.currency,
    // A donor without an email is a donor of their own: their gift meets a per-donor cap alone.
    donorEmail: gift.email ?? `offline-gift:${gift.id}`,
    amount: gift.amount,
    liveAmount,
    // The day received, at noon where the campaign is: the pool's window (days in the campaign's
    // zone) is judged on that day, in Auckland (UTC+13) as in Honolulu.
    at: zonedTimeToUtc(`${gift.receivedOn}T12:00:00`, gift.campaignTimeZone),
    // The money is in hand (a check is counted when received, as in the raised total).
    settled: true,
    series: null,
  };
}

export const offlineGiftMatches: OfflineGiftEffectsFactory = (client) => ({
  async recorded(gift) {
    await matchGift(client, matchable(gift, gift.amount));
  },
  async voided(gift) {
    await matchGift(client, matchable(gift, 0));
  },
});
