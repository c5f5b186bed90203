// A donation attempt whose Checkout Session is over (Stripe expired it, or its expires_at has
// passed and the webhook saying so is still on its way) can never be paid. The donor who retries
// it (the browser's back button re-posts the form with its token, an API client re-sends its
// Idempotency-Key) is starting again: the old pledge stays expired, as Stripe's session did, and
// the key moves to a new pledge with a new session. Replaying the old answer would send the
// donor to a dead Checkout page.
import type { Pledge } from './pledge.ts';

/** When the pledge's session expires at Stripe: every parameter of it derives from the pledge. */
export function sessionExpiresAt(pledge: Pick<Pledge, 'createdAt'>, checkoutExpiryMinutes: number): Date {
  return new Date(pledge.createdAt.getTime() + checkoutExpiryMinutes * 60_000);
}

/** True when a retry of this pledge must be a new attempt rather than a replay. */
export function attemptIsOver(
  pledge: Pick<Pledge, 'status' | 'createdAt' | 'checkoutSessionId'>,
  at: Date,
  checkoutExpiryMinutes: number,
): boolean {
  if (pledge.status === 'expired') return true;
  return pledge.status === 'pending' && pledge.checkoutSessionId !== null && at >= sessionExpiresAt(pledge, checkoutExpiryMinutes);
}
