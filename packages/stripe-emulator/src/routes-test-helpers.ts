import type { EmulatorContext } from './context.ts';
import { missingParam, resourceMissing } from './errors.ts';
import { parseFaultSpec } from './faults.ts';
import { expandResponse } from './expand.ts';
import { paySession, settleSession } from './flows-checkout.ts';
import { closeDispute, disputeCharge, payoutBalances } from './flows-payments.ts';
import { renewSubscription } from './flows-billing.ts';
import type { ApiRegistrar } from './http.ts';
import { optBool, optEnum, optInt, optString } from './params.ts';
import { findSession } from './routes-checkout.ts';
import { findIn } from './routes-payments.ts';

/** Endpoints that stand in for what a donor, a bank or time would do on real Stripe. */
export function registerTestHelperRoutes(api: ApiRegistrar, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.post('/test_helpers/checkout/sessions/:id/pay', ({ params, input, req }) => {
    const outcome = optEnum(input, 'outcome', ['succeeded', 'delayed', 'failed'] as const) ?? 'succeeded';
    return expandResponse(store, paySession(ctx, findSession(ctx, params.id!), outcome, req), input);
  });

  api.post('/test_helpers/checkout/sessions/:id/settle', ({ params, input, req }) => {
    const outcome = optEnum(input, 'outcome', ['succeeded', 'failed'] as const) ?? 'succeeded';
    return expandResponse(store, settleSession(ctx, findSession(ctx, params.id!), outcome, req), input);
  });

  api.post('/test_helpers/charges/:id/dispute', ({ params, input, req }) => {
    const charge = findIn(store.charges, params.id!, 'charge');
    const reason = optEnum(input, 'reason', ['fraudulent', 'duplicate', 'product_not_received', 'product_unacceptable', 'subscription_canceled', 'unrecognized', 'credit_not_processed', 'general'] as const) ?? 'fraudulent';
    return disputeCharge(ctx, charge, { amount: optInt(input, 'amount'), reason }, req);
  });

  api.post('/test_helpers/disputes/:id/close', ({ params, input, req }) => {
    const outcome = optEnum(input, 'outcome', ['won', 'lost'] as const);
    if (!outcome) throw missingParam('outcome');
    return closeDispute(ctx, findIn(store.disputes, params.id!, 'dispute'), outcome, req);
  });

  api.post('/test_helpers/subscriptions/:id/renew', ({ params, input, req }) => {
    const outcome = optEnum(input, 'outcome', ['succeeded', 'failed'] as const) ?? 'succeeded';
    return renewSubscription(ctx, findIn(store.subscriptions, params.id!, 'subscription'), outcome, req);
  });

  api.post('/test_helpers/payouts', ({ input, req }) => {
    const currency = optString(input, 'currency')?.toLowerCase();
    const data = payoutBalances(ctx, currency, req, optBool(input, 'paid') ?? true);
    return { object: 'list', data, has_more: false, url: '/v1/payouts' };
  });

  // Faults on the API (429, 500, 401, timeout) for every client of this emulator; see faults.ts.
  api.post('/test_helpers/faults', ({ input }) => ctx.faults.add(parseFaultSpec(input)));
  api.get('/test_helpers/faults', () => ({ object: 'list', data: ctx.faults.list(), has_more: false, url: '/v1/test_helpers/faults' }));
  api.del('/test_helpers/faults', () => {
    const data = ctx.faults.list();
    ctx.faults.clear();
    return { object: 'list', data, has_more: false, url: '/v1/test_helpers/faults' };
  });
  api.del('/test_helpers/faults/:id', ({ params }) => {
    if (!ctx.faults.remove(params.id!)) throw resourceMissing('test_helpers.fault', params.id!);
    return { id: params.id, object: 'test_helpers.fault', deleted: true };
  });
}
