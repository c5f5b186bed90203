// Reads for the staff dashboard: daily amounts for the chart and the latest payments.
import type { Database } from '../db/client.ts';

export interface DailyAmount {
  day: string; // YYYY-MM-DD in the campaign's time zone
  raised: number;
  donations: number;
}

export interface RecentPayment {
  id: string;
  campaign: string;
  paidAt: Date | null;
  name: string | null;
  email: string;
  anonymous: boolean;
  frequency: string;
  currency: string;
  amount: number;
  amountRefunded: number;
  disputeStatus: string;
  status: string;
  flag: string | null;
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

    async recentPayments(limit: number): Promise<RecentPayment[]> {
      const { rows } = await pool.query(
        `SELECT p.id::text, c.slug AS campaign, p.paid_at, pl.name, pl.email, pl.anonymous, pl.frequency::text,
                p.currency, p.amount, p.amount_refunded, p.dispute_status::text, p.status::text, p.flag
         FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id
         ORDER BY p.created_at DESC, p.id DESC LIMIT $1`,
        [limit],
      );
      return rows.map((r) => ({
        id: r.id, campaign: r.campaign, paidAt: r.paid_at, name: r.name, email: r.email, anonymous: r.anonymous,
        frequency: r.frequency, currency: r.currency, amount: r.amount, amountRefunded: r.amount_refunded,
        disputeStatus: r.dispute_status, status: r.status, flag: r.flag,
      }));
    },
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;
