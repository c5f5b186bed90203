// Match pools as staff and the public read them, and staff's writes. A change of the cap is one
// conditional UPDATE: it cannot go under what allocations running at the same moment have taken.
import type { Database } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { MatchPool, MonthlyRule, Qualifies } from './match.ts';
import { POOL_COLUMNS } from './match-allocation-repository.ts';

export type PoolWrite = Pick<MatchPool, 'sponsor' | 'cap' | 'perDonorCap' | 'multiplier' | 'startsAt' | 'endsAt' | 'qualifies' | 'monthly' | 'monthlyInstallments'>;

export class CapUnderAllocated extends Error {
  constructor(readonly allocated: number) {
    super(`cap under the ${allocated} already allocated`);
  }
}

type PoolRow = Prisma.MatchPoolGetPayload<object>;

function toPool(row: PoolRow): MatchPool {
  return {
    ...row,
    cap: Number(row.cap),
    perDonorCap: row.perDonorCap === null ? null : Number(row.perDonorCap),
    allocated: Number(row.allocated),
    qualifies: row.qualifies as Qualifies,
    monthly: row.monthly as MonthlyRule,
  };
}

const bigOrNull = (n: number | null | undefined) => (n === undefined ? undefined : n === null ? null : BigInt(n));

export function createMatchPoolRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    async list(campaignId?: string): Promise<MatchPool[]> {
      const rows = await prisma.matchPool.findMany({ where: campaignId ? { campaignId } : {}, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toPool);
    },

    async find(id: string): Promise<MatchPool | null> {
      const row = await prisma.matchPool.findUnique({ where: { id } });
      return row && toPool(row);
    },

    async create(campaignId: string, currency: string, pool: PoolWrite): Promise<MatchPool> {
      const row = await prisma.matchPool.create({
        data: { ...pool, campaignId, currency, cap: BigInt(pool.cap), perDonorCap: bigOrNull(pool.perDonorCap) },
      });
      return toPool(row);
    },

    /** The changes, unless the new cap is under what is allocated at that moment. */
    async update(id: string, changes: Partial<PoolWrite>): Promise<MatchPool | null> {
      const { cap, perDonorCap, ...rest } = changes;
      const data = { ...rest, ...(cap !== undefined ? { cap: BigInt(cap) } : {}), ...(perDonorCap !== undefined ? { perDonorCap: bigOrNull(perDonorCap) } : {}) };
      const { count } = await prisma.matchPool.updateMany({ where: { id, ...(cap !== undefined ? { allocated: { lte: BigInt(cap) } } : {}) }, data });
      const pool = await this.find(id);
      if (count === 0 && pool) throw new CapUnderAllocated(pool.allocated);
      return pool;
    },

    /** Ends the window now; a pool closed stays closed (its first closing time is kept). */
    async close(id: string, at: Date): Promise<MatchPool | null> {
      await prisma.$executeRaw`UPDATE match_pools SET closed_at = COALESCE(closed_at, ${at}), updated_at = now() WHERE id = ${id}::uuid`;
      return this.find(id);
    },

    /** The campaign's pools for its public progress: one small read, done once per change (cached). */
    forCampaign(campaignId: string): Promise<MatchPool[]> {
      return prisma.$queryRaw<MatchPool[]>`SELECT ${POOL_COLUMNS} FROM match_pools mp WHERE mp.campaign_id = ${campaignId}::uuid ORDER BY mp.created_at, mp.id`;
    },
  };
}

export type MatchPoolRepository = ReturnType<typeof createMatchPoolRepository>;
