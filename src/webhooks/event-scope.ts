// Whether a verified event is this service's to apply. A test key's service must not apply live
// events (nor a live one test events): a test-mode payment moving the real books, or a live
// refund landing in a staging database. With STRIPE_ACCOUNT_ID set, an event that names another
// account (Connect events carry `account`) is not ours either. Such events are stored as ignored
// with the reason and acknowledged, so Stripe stops sending them and staff can see them.
import type Stripe from 'stripe';

export interface EventScope {
  /** The key's mode: sk_live_/rk_live_ keys are live; test keys and the emulator are not. */
  livemode: boolean;
  /** acct_... of the Stripe account this service belongs to, when configured. */
  accountId?: string;
}

export function scopeFor(stripe: { secretKey?: string; accountId?: string }): EventScope {
  return { livemode: /^(sk|rk)_live_/.test(stripe.secretKey ?? ''), accountId: stripe.accountId };
}

/** Why the event is not this service's, or null when it is. */
export function outOfScope(event: Stripe.Event, scope: EventScope): string | null {
  const live = (event as { livemode?: unknown }).livemode === true;
  if (live !== scope.livemode) {
    return `livemode mismatch: a ${live ? 'live' : 'test'} event for a ${scope.livemode ? 'live' : 'test'}-mode key`;
  }
  const account = (event as { account?: unknown }).account;
  if (scope.accountId && account !== undefined && account !== null && account !== scope.accountId) {
    return `account mismatch: the event is for ${String(account).slice(0, 64)}, not ${scope.accountId}`;
  }
  return null;
}
