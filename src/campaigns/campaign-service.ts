// Campaign rules: what the public sees of a campaign and of its progress.
import { NotFound } from '../errors.ts';
import type { Campaign, CampaignTotals } from './campaign.ts';
import type { CampaignRepository } from './campaign-repository.ts';
import type { CampaignView, MatchPoolProgress, Progress } from './campaign-views.ts';

// The shapes are defined once, as zod schemas, in campaign-views.ts (the OpenAPI document uses them too).
export type { CampaignView, Progress } from './campaign-views.ts';

const DAY_MS = 86_400_000;

export function toCampaignView(campaign: Campaign, now: Date): CampaignView {
  return {
    slug: campaign.slug,
    title: campaign.title,
    description: campaign.description,
    goal: campaign.goal,
    currency: campaign.currency,
    timezone: campaign.timezone,
    startsAt: campaign.startsAt.toISOString(),
    endsAt: campaign.endsAt.toISOString(),
    presetAmounts: campaign.presetAmounts,
    imageUrl: campaign.imageUrl,
    imageAlt: campaign.imageAlt,
    story: campaign.story,
    presetImpacts: campaign.presetImpacts,
    monthlyPresetAmounts: campaign.monthlyPresetAmounts,
    monthlyPresetImpacts: campaign.monthlyPresetImpacts,
    suggestMonthly: campaign.suggestMonthly,
    open: campaign.startsAt <= now && now < campaign.endsAt,
  };
}

/** The campaign's match pools as the public sees them (src/matching/), read with its totals. */
export type ProgressMatches = (campaignId: string, now: Date) => Promise<MatchPoolProgress[]>;

export function toProgress(campaign: Campaign, totals: CampaignTotals, now: Date, pools: MatchPoolProgress[] = []): Progress {
  return {
    campaign: campaign.slug,
    currency: campaign.currency,
    goal: campaign.goal,
    raised: totals.raised,
    pending: totals.pending,
    refunded: totals.refunded,
    disputed: totals.disputed,
    donors: totals.donors,
    donations: totals.donations,
    matched: pools.reduce((sum, p) => sum + p.matched, 0),
    matchPools: pools,
    // One decimal, floored, so 99.96% never shows as a reached goal.
    percent: Math.floor((totals.raised * 1000) / campaign.goal) / 10,
    daysLeft: Math.max(0, Math.ceil((campaign.endsAt.getTime() - now.getTime()) / DAY_MS)),
    endsAt: campaign.endsAt.toISOString(),
    updatedAt: (totals.updatedAt ?? campaign.updatedAt).toISOString(),
  };
}

export function createCampaignService(deps: { campaigns: CampaignRepository; matches?: ProgressMatches; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  async function get(slug: string): Promise<Campaign> {
    const campaign = await deps.campaigns.findBySlug(slug);
    if (!campaign) throw new NotFound(`Campaign '${slug}'`);
    return campaign;
  }

  return {
    get,

    find: (slug: string): Promise<Campaign | null> => deps.campaigns.findBySlug(slug),

    async list(): Promise<CampaignView[]> {
      const at = now();
      return (await deps.campaigns.list()).map((c) => toCampaignView(c, at));
    },

    /** The campaign the home page shows: open now, else the next to open, else the last one. */
    async current(): Promise<Campaign | null> {
      const at = now();
      const all = await deps.campaigns.list();
      const open = all.filter((c) => c.startsAt <= at && at < c.endsAt).sort((a, b) => +a.endsAt - +b.endsAt);
      const upcoming = all.filter((c) => c.startsAt > at).sort((a, b) => +a.startsAt - +b.startsAt);
      const past = all.filter((c) => c.endsAt <= at).sort((a, b) => +b.endsAt - +a.endsAt);
      return open[0] ?? upcoming[0] ?? past[0] ?? null;
    },

    now,

    all: (): Promise<Campaign[]> => deps.campaigns.list(),

    async view(slug: string): Promise<CampaignView> {
      return toCampaignView(await get(slug), now());
    },

    async progressWithId(slug: string): Promise<{ campaignId: string; progress: Progress }> {
      const campaign = await get(slug);
      const at = now();
      // Read once per change (the progress reader caches it; a pool's change NOTIFYs like a payment).
      const [totals, pools] = await Promise.all([deps.campaigns.totals(campaign.id), deps.matches?.(campaign.id, at) ?? []]);
      return { campaignId: campaign.id, progress: toProgress(campaign, totals, at, pools) };
    },
  };
}

export type CampaignService = ReturnType<typeof createCampaignService>;
