// Campaign writes for staff. Reads go through the campaigns domain's own repository.
import type { Database } from '../db/client.ts';
import { Prisma, type Campaign as CampaignRow } from '../generated/prisma/client.ts';
import type { Campaign, CampaignDraft } from '../campaigns/campaign.ts';

export type CampaignWrite = CampaignDraft;

const toCampaign = (row: CampaignRow): Campaign => ({ ...row, goal: Number(row.goal) });

export class DuplicateSlugError extends Error {}

export function createAdminCampaignRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    async findBySlug(slug: string): Promise<Campaign | null> {
      const row = await prisma.campaign.findUnique({ where: { slug } });
      return row && toCampaign(row);
    },

    /** The unique index decides a duplicate slug, not a read-then-write race. */
    async create(campaign: CampaignWrite): Promise<Campaign> {
      try {
        return toCampaign(await prisma.campaign.create({ data: { ...campaign, goal: BigInt(campaign.goal) } }));
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new DuplicateSlugError(campaign.slug);
        throw error;
      }
    },

    async update(id: string, changes: Partial<CampaignWrite>): Promise<Campaign> {
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
  };
}

export type AdminCampaignRepository = ReturnType<typeof createAdminCampaignRepository>;
