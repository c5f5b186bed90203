// The year's gifts per donor email, for the annual statements: settled, unflagged payments whose
// date falls in the calendar year in the organisation's time zone, with what was refunded.
import type { Prisma } from '../generated/prisma/client.ts';

export interface StatementGift {
  email: string;
  name: string | null;
  pledgeId: string;
  campaignTitle: string;
  currency: string;
  amount: number;
  amountRefunded: number;
  paidAt: Date;
}

export async function giftsOfYear(
  client: Prisma.TransactionClient,
  q: { year: number; timeZone: string; email?: string },
): Promise<StatementGift[]> {
  const email = q.email?.toLowerCase() ?? null;
  return client.$queryRaw<StatementGift[]>`
    SELECT lower(pl.email) AS email, pl.name, pl.id::text AS "pledgeId", c.title AS "campaignTitle", p.currency, p.amount,
      p.amount_refunded AS "amountRefunded", p.paid_at AS "paidAt"
    FROM payments p JOIN pledges pl ON pl.id = p.pledge_id JOIN campaigns c ON c.id = p.campaign_id
    WHERE p.status = 'succeeded' AND p.flag IS NULL
      AND p.paid_at >= (make_timestamp(${q.year}::int, 1, 1, 0, 0, 0) AT TIME ZONE ${q.timeZone})
      AND p.paid_at < (make_timestamp(${q.year + 1}::int, 1, 1, 0, 0, 0) AT TIME ZONE ${q.timeZone})
      AND (${email}::text IS NULL OR lower(pl.email) = ${email})
    ORDER BY lower(pl.email), p.paid_at, p.id`;
}
