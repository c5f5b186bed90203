// Pledge listing for staff: keyset paging on (created_at, id), so page 1000 costs what page 1
// costs and a pledge created while paging is never shown twice or skipped.
import type { Database } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { PledgeStatus } from '../pledges/pledge.ts';

export interface PledgeFilter {
  campaign?: string;
  status?: PledgeStatus;
  from?: Date;
  to?: Date;
}

export interface AdminPledgeRow {
  id: string;
  campaign: string;
  status: PledgeStatus;
  amount: number;
  coveredFee: number;
  currency: string;
  frequency: 'once' | 'monthly';
  email: string;
  name: string | null;
  anonymous: boolean;
  message: string | null;
  dedication: string | null;
  checkoutSessionId: string | null;
  stripeSubscriptionId: string | null;
  subscriptionStatus: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

export function createAdminPledgeRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    /** Newest first; `after` is the last row of the previous page. */
    async page(filter: PledgeFilter, after: { createdAt: Date; id: string } | null, limit: number): Promise<AdminPledgeRow[]> {
      const where: Prisma.PledgeWhereInput = {
        ...(filter.campaign ? { campaign: { slug: filter.campaign } } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
      };
      const rows = await prisma.pledge.findMany({
        where: after
          ? { AND: [where, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] }
          : where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit,
        select: {
          id: true, status: true, amount: true, coveredFee: true, currency: true, frequency: true, email: true, name: true,
          anonymous: true, message: true, dedication: true, checkoutSessionId: true, stripeSubscriptionId: true,
          subscriptionStatus: true, createdAt: true, completedAt: true, campaign: { select: { slug: true } },
        },
      });
      return rows.map(({ campaign, ...row }) => ({ ...row, campaign: campaign.slug }));
    },
  };
}

export type AdminPledgeRepository = ReturnType<typeof createAdminPledgeRepository>;
