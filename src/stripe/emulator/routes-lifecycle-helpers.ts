// Test helpers for the lifecycles a donation can take after it is paid, each producing the
// events Stripe sends, in Stripe's order: what a bank, a card network or time would do.
import type { EmulatorContext } from './context.ts';
import { NO_REQUEST } from './context.ts';
import { expireSession } from './flows-checkout.ts';
import type { ApiRegistrar } from './http.ts';
import { optEnum } from './params.ts';
import { findSession } from './routes-checkout.ts';
import { findIn } from './routes-payments.ts';
import { settleRefund } from './flows-refund-lifecycle.ts';

export function registerLifecycleHelperRoutes(api: ApiRegistrar, ctx: EmulatorContext): void {
  // The session's lifetime runs out: Stripe expires it on its own, so the event names no request
  // (POST /v1/checkout/sessions/:id/expire is the merchant's call, and its event names that call).
  api.post('/test_helpers/checkout/sessions/:id/expire', ({ params }) => expireSession(ctx, findSession(ctx, params.id!), NO_REQUEST));

  // The bank (or card network) answers on a refund: a pending one goes through or fails; a
  // succeeded card refund can still fail.
  api.post('/test_helpers/refunds/:id/settle', ({ params, input, req }) => {
    const outcome = optEnum(input, 'outcome', ['succeeded', 'failed'] as const) ?? 'succeeded';
    return settleRefund(ctx, findIn(ctx.store.refunds, params.id!, 'refund'), outcome, req);
  });
}
