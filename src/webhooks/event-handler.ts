// The shape of one event type's handler. Stripe is read in `prepare`, before the transaction
// opens (never hold a database transaction across a network call); `apply` only writes, inside
// the inbox transaction; `subjects` names what the event is about, for row-independent locking
// (two events about one payment never interleave) and to wake events deferred on it.
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { FeeFiller } from '../payments/fee-filler.ts';
import type { LedgerRules } from '../payments/ledger-rules.ts';
import type { LedgerOutcome } from '../payments/payment-service.ts';
import type { LedgerGateway } from '../payments/ledger-gateway.ts';

export type ObjectOf<T extends Stripe.Event.Type> = Extract<Stripe.Event, { type: T }>['data']['object'];

export interface PrepareDeps {
  gateway: LedgerGateway;
  logger: Logger;
}

export interface ApplyContext<P> {
  ledger: LedgerRules;
  /** Undefined when a deferred event is re-applied later (nothing was read from Stripe then). */
  prepared: P | undefined;
  event: Stripe.Event;
  logger: Logger;
}

export interface AfterCommitDeps {
  fees: FeeFiller;
}

export interface EventHandler<O, P = undefined> {
  subjects(object: O, prepared: P | undefined): string[];
  prepare?(object: O, deps: PrepareDeps): Promise<P>;
  apply(object: O, ctx: ApplyContext<P>): Promise<LedgerOutcome>;
  /** Work that may follow once the event is committed and acknowledged (never money). */
  afterCommit?(object: O, deps: AfterCommitDeps, prepared: P | undefined): void;
}

export type HandlerMap = { [T in Stripe.Event.Type]?: EventHandler<ObjectOf<T>, any> };
