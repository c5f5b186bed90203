// offline_gifts: the only offline-gift code that knows Prisma. A gift and what follows it (its
// total, by the table's trigger; its receipt and match, by the effects) are written in one
// transaction. Staff's work: it runs on the admin pool.
import type { Database } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { keysetQuery, type Position } from '../listing.ts';
import type { CampaignForGift } from './offline-gift-import.ts';
import type { OfflineGift, OfflineGiftEffectsFactory, OfflineGiftEntry, OfflineMethod, Staff } from './offline-gift.ts';

const WITH_CAMPAIGN = { campaign: { select: { slug: true, title: true, timezone: true } } } as const;
type Row = Prisma.OfflineGiftGetPayload<{ include: typeof WITH_CAMPAIGN }>;

function toGift(row: Row): OfflineGift {
  return {
    id: row.id, campaignId: row.campaignId, campaign: row.campaign.slug, campaignTitle: row.campaign.title, campaignTimeZone: row.campaign.timezone, amount: row.amount, currency: row.currency,
    receivedOn: row.receivedOn.toISOString().slice(0, 10), method: row.method as OfflineMethod, reference: row.reference,
    donorName: row.donorName, email: row.email, enteredBy: row.enteredBy, createdAt: row.createdAt,
    voidedAt: row.voidedAt, voidedBy: row.voidedBy, voidReason: row.voidReason, entryKey: row.entryKey, requestHash: row.requestHash,
  };
}

export interface OfflineGiftFilter {
  campaign?: string;
  from?: Date;
  to?: Date;
}

export function createOfflineGiftRepository(db: Pick<Database, 'admin'>, effects?: OfflineGiftEffectsFactory) {
  const prisma = db.admin.prisma;

  return {
    async campaignsBySlug(slugs: string[]): Promise<Map<string, CampaignForGift>> {
      const rows = await prisma.campaign.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true, currency: true, timezone: true } });
      return new Map(rows.map((c) => [c.slug, c]));
    },

    /** Which of these entry keys are taken already (a retried request, a row imported before). */
    async takenKeys(keys: string[]): Promise<Map<string, OfflineGift>> {
      if (keys.length === 0) return new Map();
      const rows = await prisma.offlineGift.findMany({ where: { entryKey: { in: keys } }, include: WITH_CAMPAIGN });
      return new Map(rows.map((r) => [r.entryKey!, toGift(r)]));
    },

    /**
     * Writes the entries whose key is not taken, with their effects, in one transaction, and
     * returns those it wrote: all or nothing. A key taken meanwhile (the same file imported twice
     * at once) is skipped by ON CONFLICT, never a failure.
     */
    async insert(entries: OfflineGiftEntry[], staff: Staff): Promise<OfflineGift[]> {
      return prisma.$transaction(async (tx) => {
        const created = await tx.offlineGift.createManyAndReturn({
          data: entries.map((e) => ({ ...e, receivedOn: new Date(`${e.receivedOn}T00:00:00Z`), enteredByKeyId: staff.keyId, enteredBy: staff.label })),
          skipDuplicates: true,
          select: { id: true },
        });
        const rows = await tx.offlineGift.findMany({ where: { id: { in: created.map((c) => c.id) } }, include: WITH_CAMPAIGN, orderBy: { createdAt: 'asc' } });
        const gifts = rows.map(toGift);
        const after = effects?.(tx);
        for (const gift of gifts) await after?.recorded(gift);
        return gifts;
      }, { timeout: 60_000 });
    },

    /** Voids a gift that is not void yet; null when there is no such gift, the gift when it was already void. */
    async void(id: string, staff: Staff, reason: string, at: Date): Promise<{ gift: OfflineGift; voidedNow: boolean } | null> {
      return prisma.$transaction(async (tx) => {
        const { count } = await tx.offlineGift.updateMany({
          where: { id, voidedAt: null },
          data: { voidedAt: at, voidedByKeyId: staff.keyId, voidedBy: staff.label, voidReason: reason },
        });
        const row = await tx.offlineGift.findUnique({ where: { id }, include: WITH_CAMPAIGN });
        if (!row) return null;
        const gift = toGift(row);
        if (count > 0) await effects?.(tx).voided(gift);
        return { gift, voidedNow: count > 0 };
      });
    },

    async find(id: string): Promise<OfflineGift | null> {
      const row = await prisma.offlineGift.findUnique({ where: { id }, include: WITH_CAMPAIGN });
      return row && toGift(row);
    },

    /** Newest entries first, a keyset page at a time. */
    async page(filter: { campaign?: string }, after: Position | null, limit: number): Promise<OfflineGift[]> {
      const where = filter.campaign ? { campaign: { slug: filter.campaign } } : {};
      const rows = await prisma.offlineGift.findMany({ ...keysetQuery('createdAt', where, after, limit), include: WITH_CAMPAIGN });
      return rows.map(toGift);
    },

    /** For offline.csv: by the day received, [from, to), voided gifts included (they say so). */
    async forExport(filter: OfflineGiftFilter): Promise<OfflineGift[]> {
      const rows = await prisma.offlineGift.findMany({
        where: {
          ...(filter.campaign ? { campaign: { slug: filter.campaign } } : {}),
          receivedOn: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) },
        },
        include: WITH_CAMPAIGN,
        orderBy: [{ receivedOn: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toGift);
    },
  };
}

export type OfflineGiftRepository = ReturnType<typeof createOfflineGiftRepository>;
