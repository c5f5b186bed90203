// Pledge listing for staff: keyset paging on (created_at, id), so page 1000 costs what page 1
// costs and a pledge created while paging is never shown twice or skipped.
import type { Database } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { keysetQuery, type Position } from '../listing.ts';
import type { Frequency, PledgeStatus } from './pledge.ts';

export interface PledgeFilter {
  campaign?: string;
  status?: PledgeStatus;
  from?: Date;
  to?: Date;
}

export interface PledgeListRow {
  id: string;
  campaign: string;
  status: PledgeStatus;
  amount: number;
  coveredFee: number;
  currency: string;
  frequency: Frequency;
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

export function createPledgeListRepository({ prisma }: Pick<Database, 'prisma'>) {
  return {
    /** Newest first; `after` is the last row of the previous page. */
    async page(filter: PledgeFilter, after: Position | null, limit: number): Promise<PledgeListRow[]> {
      const where: Prisma.PledgeWhereInput = {
        ...(filter.campaign ? { campaign: { slug: filter.campaign } } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
      };
      const rows = await prisma.pledge.findMany({
        ...keysetQuery('createdAt', where, after, limit),
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

export type PledgeListRepository = ReturnType<typeof createPledgeListRepository>;
