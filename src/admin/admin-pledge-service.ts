// Staff's view of pledges: filtered, newest first, in pages.
import { decodeCursor, encodeCursor } from './cursor.ts';
import type { AdminPledgeRepository, AdminPledgeRow } from './admin-pledge-repository.ts';
import type { PledgeListQuery } from './admin-schemas.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface AdminPledgeView extends Omit<AdminPledgeRow, 'createdAt' | 'completedAt'> {
  createdAt: string;
  completedAt: string | null;
}

export function createAdminPledgeService(deps: { pledges: AdminPledgeRepository }) {
  return {
    async list(query: PledgeListQuery): Promise<{ data: AdminPledgeView[]; nextCursor: string | null }> {
      const position = decodeCursor(query.cursor, UUID);
      // One more than asked tells whether another page exists without a count.
      const rows = await deps.pledges.page(
        { campaign: query.campaign, status: query.status, from: query.from, to: query.to },
        position && { createdAt: position.at, id: position.id },
        query.limit + 1,
      );
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        data: page.map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), completedAt: r.completedAt?.toISOString() ?? null })),
        nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
      };
    },
  };
}

export type AdminPledgeService = ReturnType<typeof createAdminPledgeService>;
