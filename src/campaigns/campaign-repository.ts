// Campaign persistence: the public reads and staff's writes. The only campaign code that knows Prisma.
import type { Database } from '../db/client.ts';
import { Prisma, type Campaign as CampaignRow } from '../generated/prisma/client.ts';
import type { Campaign, CampaignDraft, CampaignTotals } from './campaign.ts';

export type NewCampaign = CampaignDraft;

export class DuplicateSlugError extends Error {}

function toCampaign(row: CampaignRow): Campaign {
  return { ...row, goal: Number(row.goal) };
}

// Every pledge reads its campaign by slug before anything else: one statement on the pg pool,
// without Prisma's query building (profiled on the pledge path), in the shape Prisma returns.
const CAMPAIGN_BY_SLUG = `SELECT id, slug, title, description, goal, currency, timezone, starts_at AS "startsAt", ends_at AS "endsAt",
  preset_amounts AS "presetAmounts", image_url AS "imageUrl", image_alt AS "imageAlt", story, preset_impacts AS "presetImpacts",
  monthly_preset_amounts AS "monthlyPresetAmounts", monthly_preset_impacts AS "monthlyPresetImpacts",
  suggest_monthly AS "suggestMonthly", created_at AS "createdAt", updated_at AS "updatedAt"
  FROM campaigns WHERE slug = $1`;

export function createCampaignRepository({ prisma, pool }: Pick<Database, 'prisma' | 'pool'>) {
  return {
    async list(): Promise<Campaign[]> {
      const rows = await prisma.campaign.findMany({ orderBy: [{ startsAt: 'desc' }, { slug: 'asc' }] });
      return rows.map(toCampaign);
    },

    async findBySlug(slug: string): Promise<Campaign | null> {
      const { rows } = await pool.query<CampaignRow>(CAMPAIGN_BY_SLUG, [slug]);
      return rows[0] ? toCampaign(rows[0]) : null;
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
