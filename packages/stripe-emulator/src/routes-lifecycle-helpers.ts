// Test helpers for the lifecycles a donation can take after it is paid, each producing the
// events Stripe sends, in Stripe's order: what a bank, a card network or time would do.
import type { EmulatorContext } from './context.ts';
import { NO_REQUEST } from './context.ts';
import { expireSession } from './flows-checkout.ts';
import type { ApiRegistrar } from './http.ts';
import { openInquiry, updateDispute } from './flows-dispute-lifecycle.ts';
import { retryInvoice } from './flows-dunning.ts';
import { cancelPayout, delayPayout, failPayout, payPendingPayout, PAYOUT_FAILURES } from './flows-payout-lifecycle.ts';
import { asParams, metadataParam, optBool, optEnum, optInt, rejectUnknown, type Params } from './params.ts';
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

  // The bank asks about a charge (an inquiry, warning_needs_response): no money is taken.
  api.post('/test_helpers/charges/:id/inquiry', ({ params, input, req }) => {
    const reason = optEnum(input, 'reason', ['fraudulent', 'unrecognized', 'general', 'duplicate'] as const) ?? 'unrecognized';
    return openInquiry(ctx, findIn(ctx.store.charges, params.id!, 'charge'), { amount: optInt(input, 'amount'), reason }, req);
  });

  // Smart Retries on a renewal that failed: the next attempt, and when the last one fails, what
  // the account's retry settings say (when_exhausted, after max_attempts in all).
  api.post('/test_helpers/invoices/:id/retry', ({ params, input, req }) => {
    const outcome = optEnum(input, 'outcome', ['succeeded', 'failed', 'action_required'] as const) ?? 'failed';
    const whenExhausted = optEnum(input, 'when_exhausted', ['past_due', 'unpaid', 'canceled'] as const) ?? 'past_due';
    const maxAttempts = optInt(input, 'max_attempts') ?? 4;
    return retryInvoice(ctx, findIn(ctx.store.invoices, params.id!, 'invoice'), outcome, { maxAttempts, whenExhausted }, req);
  });

  // Payouts after they are made: POST /v1/test_helpers/payouts with paid=false leaves them pending.
  const payout = (id: string) => findIn(ctx.store.payouts, id, 'payout');
  api.post('/payouts/:id/cancel', ({ params, req }) => cancelPayout(ctx, payout(params.id!), req));
  api.post('/test_helpers/payouts/:id/pay', ({ params, req }) => payPendingPayout(ctx, payout(params.id!), req));
  api.post('/test_helpers/payouts/:id/fail', ({ params, input, req }) =>
    failPayout(ctx, payout(params.id!), optEnum(input, 'failure_code', PAYOUT_FAILURES) ?? 'account_closed', req));
  api.post('/test_helpers/payouts/:id/delay', ({ params, input, req }) => {
    const days = optInt(input, 'days') ?? 1;
    return delayPayout(ctx, payout(params.id!), payout(params.id!).arrival_date + days * 86400, req);
  });

  // Stripe's own call: evidence for a dispute, and with submit=true the dispute goes under review.
  api.post('/disputes/:id', ({ params, input, req }) => {
    rejectUnknown(input, DISPUTE_UPDATE_PARAMS);
    const dispute = findIn(ctx.store.disputes, params.id!, 'dispute');
    return updateDispute(ctx, dispute, {
      evidence: evidenceParam(asParams(input.evidence, 'evidence'), dispute.evidence),
      metadata: input.metadata === undefined ? undefined : metadataParam(input.metadata),
      submit: optBool(input, 'submit') ?? false,
    }, req);
  });
}

const DISPUTE_UPDATE_PARAMS: ReadonlySet<string> = new Set(['evidence', 'metadata', 'submit', 'expand']);

/** Text evidence only (files are uploads the emulator does not take). */
function evidenceParam(p: Params, known: Record<string, unknown>): Record<string, string> {
  const text = Object.keys(known).filter((k) => k !== 'enhanced_evidence');
  rejectUnknown(p, new Set(text), 'evidence');
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'string' ? v : String(v)]));
}
