// Campaign persistence: the public reads and staff's writes. The only campaign code that knows Prisma.
import type { Database } from '../db/client.ts';
import { Prisma, type Campaign as CampaignRow } from '../generated/prisma/client.ts';
import type { Campaign, CampaignDraft, CampaignTotals } from './campaign.ts';

export type NewCampaign = CampaignDraft;

export class DuplicateSlugError extends Error {}

function toCampaign(row: CampaignRow): Campaign {
  return { ...row, goal: Number(row.goal) };
}

export function createCampaignRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    async list(): Promise<Campaign[]> {
      const rows = await prisma.campaign.findMany({ orderBy: [{ startsAt: 'desc' }, { slug: 'asc' }] });
      return rows.map(toCampaign);
    },

    async findBySlug(slug: string): Promise<Campaign | null> {
      const row = await prisma.campaign.findUnique({ where: { slug } });
      return row && toCampaign(row);
    },

    async findById(id: string): Promise<Campaign | null> {
      const row = await prisma.campaign.findUnique({ where: { id } });
      return row && toCampaign(row);
    },

    async count(): Promise<number> {
      return prisma.campaign.count();
    },

    /** The unique index decides a duplicate slug, not a read-then-write race. */
    async create(campaign: NewCampaign): Promise<Campaign> {
      try {
        return toCampaign(await prisma.campaign.create({ data: { ...campaign, goal: BigInt(campaign.goal) } }));
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new DuplicateSlugError(campaign.slug);
        throw error;
      }
    },

    async update(id: string, changes: Partial<NewCampaign>): Promise<Campaign> {
      const { goal, ...rest } = changes;
      const row = await prisma.campaign.update({
        where: { id },
        data: { ...rest, ...(goal !== undefined ? { goal: BigInt(goal) } : {}) },
      });
      return toCampaign(row);
    },

    async hasPledges(campaignId: string): Promise<boolean> {
      return (await prisma.pledge.count({ where: { campaignId }, take: 1 })) > 0;
    },

    /** Sums the campaign's total shards (kept exact by the payments trigger): at most 16 rows. */
    async totals(campaignId: string): Promise<CampaignTotals> {
      const agg = await prisma.campaignTotalShard.aggregate({
        where: { campaignId },
        _sum: { raised: true, pending: true, refunded: true, disputed: true, donors: true, donations: true },
        _max: { updatedAt: true },
      });
      const n = (value: bigint | null) => Number(value ?? 0n);
      return {
        raised: n(agg._sum.raised),
        pending: n(agg._sum.pending),
        refunded: n(agg._sum.refunded),
        disputed: n(agg._sum.disputed),
        donors: n(agg._sum.donors),
        donations: n(agg._sum.donations),
        updatedAt: agg._max.updatedAt,
      };
    },
  };
}

export type CampaignRepository = ReturnType<typeof createCampaignRepository>;
