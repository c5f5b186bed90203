// Gifts that never touch Stripe: checks, bank transfers and cash that staff record by hand or
// import from a deposit's CSV. They count in the campaign's totals (a trigger on offline_gifts,
// see the migration), get a receipt when the donor gave an email, and are never deleted: a wrong
// entry is voided with a reason.
import type { Prisma } from '../generated/prisma/client.ts';

export const OFFLINE_METHODS = ['check', 'bank_transfer', 'cash'] as const;
export type OfflineMethod = (typeof OFFLINE_METHODS)[number];

export const METHOD_NAMES: Record<OfflineMethod, string> = { check: 'Check', bank_transfer: 'Bank transfer', cash: 'Cash' };

/** Who did it: the admin key (API or dashboard session) and its label at the time. */
export interface Staff {
  keyId: string;
  label: string;
}

/** What a gift says, as staff enter it: the amount in minor units of the campaign's currency. */
interface GiftFacts {
  campaignId: string;
  amount: number;
  currency: string;
  /** The day the money was received (a calendar day, no time). */
  receivedOn: string;
  method: OfflineMethod;
  reference: string | null;
  donorName: string | null;
  email: string | null;
  requestHash: string | null;
}

/** One gift to write. */
export interface OfflineGiftEntry extends GiftFacts {
  /** Its identity: `api:<Idempotency-Key>`, `dashboard:<form token>` or `csv:<hash>`. */
  entryKey: string | null;
}

/** One gift as recorded: who entered it and, once voided, who voided it, when and why. */
export interface OfflineGift extends GiftFacts {
  id: string;
  campaign: string;
  campaignTitle: string;
  /** The campaign's time zone: the day received is a day there. */
  campaignTimeZone: string;
  enteredBy: string;
  createdAt: Date;
  voidedAt: Date | null;
  voidedBy: string | null;
  voidReason: string | null;
  entryKey: string | null;
}

/**
 * What follows a gift in its transaction: its receipt (src/receipts implements this) and its
 * match. Each is written with the client of the transaction that records or voids the gift, so
 * the gift, its total, its email and its match commit together or not at all.
 */
export interface OfflineGiftEffects {
  recorded(gift: OfflineGift): Promise<void>;
  voided(gift: OfflineGift): Promise<void>;
}

export type OfflineGiftEffectsFactory = (client: Prisma.TransactionClient) => OfflineGiftEffects;

/** The short reference a donor and staff quote: the first 8 hex digits of the gift's id. */
export const offlineReference = (id: string) => `OFF-${id.slice(0, 8).toUpperCase()}`;

/** "Check no. 1042", "Bank transfer (ref. TRX-9)", "Cash". */
export function describeMethod(method: OfflineMethod, reference: string | null): string {
  if (!reference) return METHOD_NAMES[method];
  return method === 'check' ? `Check no. ${reference}` : `${METHOD_NAMES[method]} (ref. ${reference})`;
}

/** Several effects as one, run in order in the same transaction (receipt, then match). */
export function allEffects(...factories: Array<OfflineGiftEffectsFactory | undefined>): OfflineGiftEffectsFactory | undefined {
  const present = factories.filter((f): f is OfflineGiftEffectsFactory => f !== undefined);
  if (present.length <= 1) return present[0];
  return (client) => {
    const each = present.map((f) => f(client));
    return {
      async recorded(gift) {
        for (const e of each) await e.recorded(gift);
      },
      async voided(gift) {
        for (const e of each) await e.voided(gift);
      },
    };
  };
}
