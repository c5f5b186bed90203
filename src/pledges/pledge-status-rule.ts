// The one rule for how a pledge's status may change, written as SQL so that every UPDATE of
// `pledges.status` carries it in its own statement. Under concurrency PostgreSQL re-checks an
// UPDATE's WHERE (and SET) against the row as committed by whoever held its lock, so the rule holds
// whichever write lands last: a slow checkout request after the webhook, a late or replayed event.
import { Prisma } from '../generated/prisma/client.ts';
import type { PledgeStatus } from './pledge.ts';

// Forward only, later states win, so events applied in any order end in the same state: money taken
// beats an expiry notice; a completed pledge whose delayed bank debit bounced has failed; a
// cancelled monthly pledge stays cancelled whatever arrives late.
const PLEDGE_STATUS_ORDER = ['pending', 'expired', 'completed', 'failed', 'cancelled'] as const satisfies readonly PledgeStatus[];
// Every status has its place in the order: a status added to PLEDGE_STATUSES alone fails to compile here.
const ordersEveryStatus: Exclude<PledgeStatus, (typeof PLEDGE_STATUS_ORDER)[number]> extends never ? true : never = true;
void ordersEveryStatus;

/**
 * SQL that is true when the `pledges` row in scope may move to `next`: a later state, or the one
 * step back there is: a pledge that failed because Stripe could not be reached (it has no Checkout
 * Session, so nothing was ever paid) is pending again once a retry makes its session.
 */
export function pledgeStatusMayBecome(next: PledgeStatus): Prisma.Sql {
  return Prisma.sql`(
    array_position(${PLEDGE_STATUS_ORDER}::"PledgeStatus"[], status)
      < array_position(${PLEDGE_STATUS_ORDER}::"PledgeStatus"[], ${next}::"PledgeStatus")
    OR (status = 'failed' AND ${next}::"PledgeStatus" = 'pending' AND checkout_session_id IS NULL))`;
}
