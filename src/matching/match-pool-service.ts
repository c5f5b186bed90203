// Staff's match pools: create, change and close a campaign's pools, with the cross-field rules a
// single-field schema cannot make (the window's order, the cap against what is already allocated),
// and what the public sees of them beside the campaign's progress.
import { NotFound, ValidationFailed, type ErrorDetail } from '../errors.ts';
import type { Campaign } from '../campaigns/campaign.ts';
import type { MatchPoolProgress } from '../campaigns/campaign-views.ts';
import type { CampaignRepository } from '../campaigns/campaign-repository.ts';
import { resolveMoment } from '../campaigns/campaign-schemas.ts';
import type { MatchPool } from './match.ts';
import { CapUnderAllocated, type MatchPoolRepository, type PoolWrite } from './match-pool-repository.ts';
import type { CreatePoolRequest, PoolView, UpdatePoolRequest } from './match-schemas.ts';

/** Whether a pool is taking gifts now: inside its window, not closed, and with room left. */
export function poolOpen(pool: MatchPool, now: Date): boolean {
  const t = now.getTime();
  return pool.closedAt === null && pool.startsAt.getTime() <= t && t < pool.endsAt.getTime() && pool.allocated < pool.cap;
}

/** What the public sees of a pool, beside the campaign's progress. */
export function toPoolProgress(pool: MatchPool, now: Date): MatchPoolProgress {
  return {
    sponsor: pool.sponsor,
    multiplier: pool.multiplier,
    qualifies: pool.qualifies,
    cap: pool.cap,
    matched: pool.allocated,
    remaining: pool.cap - pool.allocated,
    open: poolOpen(pool, now),
    endsAt: pool.endsAt.toISOString(),
  };
}

export function toPoolView(pool: MatchPool, campaign: string, now: Date): PoolView {
  return {
    id: pool.id,
    campaign,
    sponsor: pool.sponsor,
    currency: pool.currency,
    cap: pool.cap,
    perDonorCap: pool.perDonorCap,
    multiplier: pool.multiplier,
    startsAt: pool.startsAt.toISOString(),
    endsAt: pool.endsAt.toISOString(),
    qualifies: pool.qualifies,
    monthly: pool.monthly,
    monthlyInstallments: pool.monthlyInstallments,
    allocated: pool.allocated,
    remaining: pool.cap - pool.allocated,
    open: poolOpen(pool, now),
    closedAt: pool.closedAt?.toISOString() ?? null,
    createdAt: pool.createdAt.toISOString(),
  };
}

function check(pool: PoolWrite): void {
  const details: ErrorDetail[] = [];
  if (!(pool.endsAt.getTime() > pool.startsAt.getTime())) details.push({ field: 'endsAt', message: 'must be after startsAt' });
  if (pool.perDonorCap !== null && pool.perDonorCap > pool.cap) details.push({ field: 'perDonorCap', message: 'must not be more than cap' });
  if (details.length) throw new ValidationFailed(details);
}

export function createMatchPoolService(deps: { pools: MatchPoolRepository; campaigns: CampaignRepository; clock?: () => Date }) {
  const now = deps.clock ?? (() => new Date());

  async function campaignOf(slug: string): Promise<Campaign> {
    const campaign = await deps.campaigns.findBySlug(slug);
    if (!campaign) throw new NotFound(`Campaign '${slug}'`);
    return campaign;
  }

  async function withCampaign(id: string): Promise<{ pool: MatchPool; campaign: Campaign }> {
    const pool = await deps.pools.find(id);
    const campaign = pool && (await deps.campaigns.findById(pool.campaignId));
    if (!pool || !campaign) throw new NotFound(`Match pool '${id}'`);
    return { pool, campaign };
  }

  return {
    async list(slug: string): Promise<PoolView[]> {
      const campaign = await campaignOf(slug);
      const at = now();
      return (await deps.pools.list(campaign.id)).map((p) => toPoolView(p, campaign.slug, at));
    },

    async get(id: string): Promise<PoolView> {
      const { pool, campaign } = await withCampaign(id);
      return toPoolView(pool, campaign.slug, now());
    },

    /** A pool in the campaign's currency, its window the campaign's unless staff name one. */
    async create(slug: string, request: CreatePoolRequest): Promise<PoolView> {
      const campaign = await campaignOf(slug);
      const pool: PoolWrite = {
        ...request,
        startsAt: request.startsAt ? resolveMoment(request.startsAt, campaign.timezone, 'start') : campaign.startsAt,
        endsAt: request.endsAt ? resolveMoment(request.endsAt, campaign.timezone, 'end') : campaign.endsAt,
      };
      check(pool);
      return toPoolView(await deps.pools.create(campaign.id, campaign.currency, pool), campaign.slug, now());
    },

    async update(id: string, request: UpdatePoolRequest): Promise<PoolView> {
      const { pool, campaign } = await withCampaign(id);
      const { startsAt, endsAt, ...rest } = request;
      const changes: Partial<PoolWrite> = {
        ...rest,
        ...(startsAt !== undefined ? { startsAt: resolveMoment(startsAt, campaign.timezone, 'start') } : {}),
        ...(endsAt !== undefined ? { endsAt: resolveMoment(endsAt, campaign.timezone, 'end') } : {}),
      };
      check({ ...pool, ...changes });
      if (changes.cap !== undefined && changes.cap < pool.allocated) throw capTooLow(pool.allocated);
      try {
        const updated = await deps.pools.update(id, changes);
        if (!updated) throw new NotFound(`Match pool '${id}'`);
        return toPoolView(updated, campaign.slug, now());
      } catch (error) {
        if (error instanceof CapUnderAllocated) throw capTooLow(error.allocated);
        throw error;
      }
    },

    /** No gift made from now on is matched; matches already made stay (and still follow reversals). */
    async close(id: string): Promise<PoolView> {
      const { campaign } = await withCampaign(id);
      const closed = await deps.pools.close(id, now());
      if (!closed) throw new NotFound(`Match pool '${id}'`);
      return toPoolView(closed, campaign.slug, now());
    },
  };
}

const capTooLow = (allocated: number) => ValidationFailed.field('cap', `must be at least the ${allocated} already allocated`);

export type MatchPoolService = ReturnType<typeof createMatchPoolService>;
