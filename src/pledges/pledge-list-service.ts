// Staff's view of pledges: filtered, newest first, in pages.
import { keysetPage, UUID_PATTERN, type Page } from '../listing.ts';
import type { PledgeListRepository, PledgeListRow } from './pledge-list-repository.ts';
import type { PledgeListQuery } from './pledge-schemas.ts';

export interface PledgeListView extends Omit<PledgeListRow, 'createdAt' | 'completedAt'> {
  createdAt: string;
  completedAt: string | null;
}

export function createPledgeListService(deps: { pledges: PledgeListRepository }) {
  return {
    list(query: PledgeListQuery): Promise<Page<PledgeListView>> {
      const filter = { campaign: query.campaign, status: query.status, from: query.from, to: query.to };
      return keysetPage({
        cursor: query.cursor,
        idPattern: UUID_PATTERN,
        limit: query.limit,
        fetch: (after, limit) => deps.pledges.page(filter, after, limit),
        positionOf: (row) => ({ at: row.createdAt, id: row.id }),
        view: (r) => ({ ...r, createdAt: r.createdAt.toISOString(), completedAt: r.completedAt?.toISOString() ?? null }),
      });
    },
  };
}

export type PledgeListService = ReturnType<typeof createPledgeListService>;
