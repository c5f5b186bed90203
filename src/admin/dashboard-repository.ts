// Reads for the staff dashboard: daily amounts for the chart (the latest payments come from the
// staff payment search, src/payments/payment-query-repository.ts).
import type { Database } from '../db/client.ts';

export interface DailyAmount {
  day: string; // YYYY-MM-DD in the campaign's time zone
  raised: number;
  donations: number;
}

export function createDashboardRepository({ pool }: Pick<Database, 'pool'>) {
  return {
    /** What each day added to `raised`, by the same rule as the totals (payment_contribution). */
    async dailyAmounts(slug: string): Promise<DailyAmount[]> {
      const { rows } = await pool.query(
        `SELECT to_char((p.paid_at AT TIME ZONE c.timezone)::date, 'YYYY-MM-DD') AS day,
                sum((payment_contribution(p)).raised)::bigint AS raised,
                sum((payment_contribution(p)).donations)::bigint AS donations
         FROM payments p JOIN campaigns c ON c.id = p.campaign_id
         WHERE c.slug = $1 AND p.paid_at IS NOT NULL
         GROUP BY 1 ORDER BY 1`,
        [slug],
      );
      return rows.map((r) => ({ day: r.day, raised: Number(r.raised), donations: Number(r.donations) }));
    },
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;
