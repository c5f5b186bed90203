// The staff dashboard's figures: a chart series covering every day of the campaign so far (days
// without gifts are zero, not missing) and the latest payments.
import type { Campaign } from '../campaigns/campaign.ts';
import type { PaymentQueryRepository } from '../payments/payment-query-repository.ts';
import type { DailyAmount, DashboardRepository } from './dashboard-repository.ts';

const DAY_MS = 86_400_000;
const MAX_DAYS = 92;

export function createDashboardService(deps: { dashboard: DashboardRepository; payments: Pick<PaymentQueryRepository, 'search'> }) {
  return {
    async dailySeries(campaign: Campaign, now: Date): Promise<DailyAmount[]> {
      const rows = new Map((await deps.dashboard.dailyAmounts(campaign.slug)).map((r) => [r.day, r]));
      const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: campaign.timezone }).format(d);
      const last = new Date(Math.min(now.getTime(), campaign.endsAt.getTime() - 1));
      const first = new Date(Math.max(campaign.startsAt.getTime(), last.getTime() - (MAX_DAYS - 1) * DAY_MS));
      const series: DailyAmount[] = [];
      for (let t = first.getTime(); day(new Date(t)) <= day(last) && series.length < MAX_DAYS; t += DAY_MS) {
        const key = day(new Date(t));
        if (series.at(-1)?.day === key) continue;
        series.push(rows.get(key) ?? { day: key, raised: 0, donations: 0 });
      }
      return series;
    },

    /** The latest payments, newest first: the payment search with no query. */
    recentPayments: async (limit = 15) => (await deps.payments.search({ offset: 0, limit })).slice(0, limit),
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
