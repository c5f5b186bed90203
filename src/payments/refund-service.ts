// Refunds from the dashboard. The rules: only a settled payment, at most what is left of it by the
// ledger's count and by Stripe's, a reason always, and who asked is kept. The request is written before Stripe is called,
// so even a refund whose answer was lost is on record; such a request stays open, and while it is
// open the payment takes no other refund: asking again for the same amount retries that request
// under its own idempotency key, so Stripe makes it at most once. The ledger moves only by
// Stripe's webhook.
import { Conflict, NotFound, PaymentProviderRefused, ValidationFailed, type ErrorDetail } from '../errors.ts';
import { formatMoney } from '../money/currency.ts';
import type { PaymentQueryRepository, PaymentRow, RefundRequestRow } from './payment-query-repository.ts';
import type { RefundGateway } from './refund-gateway.ts';

export interface RefundAsk {
  paymentId: string;
  /** Minor units; the whole of what is left when omitted. */
  amount?: number;
  reason: string;
  adminKeyId: string;
}

/** What is left to refund as the database knows it (the ledger, less a request without an answer). */
export function refundableOf(payment: Pick<PaymentRow, 'amount' | 'amountRefunded' | 'status'>, open: Pick<RefundRequestRow, 'amount'> | null = null): number {
  return payment.status === 'succeeded' ? Math.max(0, payment.amount - payment.amountRefunded - (open?.amount ?? 0)) : 0;
}

export interface CheckedRefund {
  payment: PaymentRow;
  amount: number;
  /** The open request this ask retries, if it is one. */
  retrying: RefundRequestRow | null;
}

export function createRefundService(deps: { payments: PaymentQueryRepository; gateway: RefundGateway }) {
  /**
   * The payment and the amount to refund, or the domain error naming what is wrong, as the
   * database knows it: enough to review a refund. refund() asks Stripe's count before it sends.
   */
  async function check(ask: Omit<RefundAsk, 'adminKeyId'>): Promise<CheckedRefund> {
    const payment = await deps.payments.find(ask.paymentId);
    if (!payment) throw new NotFound(`Payment '${ask.paymentId}'`);
    const open = await deps.payments.openRefundRequest(payment.id);
    if (open) {
      // Only the same refund again: a different one could not tell whether the first was made.
      if (ask.amount !== undefined && ask.amount !== open.amount) {
        throw new Conflict(`A refund of ${formatMoney(open.amount, open.currency)} has no answer from Stripe yet: retry that one first`, 'refund_unanswered');
      }
      return { payment, amount: open.amount, retrying: open };
    }
    const left = refundableOf(payment);
    if (left === 0) throw ValidationFailed.field('amount', 'Nothing is left to refund on this payment');
    const amount = ask.amount ?? left;
    const problems: ErrorDetail[] = [...amountProblems(amount, left, payment.currency)];
    if (!ask.reason.trim()) problems.push({ field: 'reason', message: 'Say why: it is kept with the refund' });
    if (ask.reason.length > 500) problems.push({ field: 'reason', message: 'Must be at most 500 characters' });
    if (!payment.stripe.charge && !payment.stripe.paymentIntent) problems.push({ field: 'amount', message: 'This payment has no Stripe charge to refund' });
    if (problems.length) throw new ValidationFailed(problems);
    return { payment, amount, retrying: null };
  }

  /**
   * Stripe's count of what is refunded, not only the ledger's: a refund whose answer or webhook is
   * still on the way is in it. A retry needs no room: it makes nothing new.
   */
  async function checkWithStripe(checked: CheckedRefund): Promise<void> {
    if (checked.retrying) return;
    const { payment, amount } = checked;
    const refunded = await deps.gateway.refundedSoFar({ chargeId: payment.stripe.charge, paymentIntentId: payment.stripe.paymentIntent });
    const problems = amountProblems(amount, refundableOf({ ...payment, amountRefunded: Math.max(payment.amountRefunded, refunded) }), payment.currency);
    if (problems.length) throw new ValidationFailed(problems);
  }

  /** The open request to send: the one being retried, or a new one (none while another is open). */
  async function openRequest(ask: RefundAsk, checked: CheckedRefund): Promise<string> {
    if (checked.retrying) return checked.retrying.id;
    const { payment, amount } = checked;
    const id = await deps.payments.recordRefundRequest({ paymentId: payment.id, amount, currency: payment.currency, reason: ask.reason.trim(), requestedBy: ask.adminKeyId });
    if (!id) throw new Conflict('Another refund of this payment was asked for at the same moment: reload the payment', 'refund_unanswered');
    return id;
  }

  return {
    check,

    async refund(ask: RefundAsk): Promise<{ requestId: string; stripeRefundId: string; amount: number; currency: string; retried: boolean }> {
      const checked = await check(ask);
      await checkWithStripe(checked);
      const { payment, amount } = checked;
      const requestId = await openRequest(ask, checked);
      try {
        const refund = await deps.gateway.refund({
          requestId, chargeId: payment.stripe.charge, paymentIntentId: payment.stripe.paymentIntent, amount, retry: checked.retrying !== null,
        });
        await deps.payments.settleRefundRequest(requestId, { refund });
        return { requestId, stripeRefundId: refund.id, amount, currency: payment.currency, retried: checked.retrying !== null };
      } catch (error) {
        // Refused: Stripe made nothing, the request closes. Anything else: unknown, it stays open.
        const refused = error instanceof PaymentProviderRefused;
        await deps.payments.settleRefundRequest(requestId, { refused, error: `${refused ? 'Stripe refused' : 'No answer from Stripe'}: ${errorText(error)}` });
        throw error;
      }
    },
  };
}

function amountProblems(amount: number, left: number, currency: string): ErrorDetail[] {
  if (left === 0) return [{ field: 'amount', message: 'Nothing is left to refund on this payment' }];
  if (Number.isInteger(amount) && amount >= 1 && amount <= left) return [];
  return [{ field: 'amount', message: `Must be between ${formatMoney(1, currency)} and ${formatMoney(left, currency)}` }];
}

const errorText = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
};

export type RefundService = ReturnType<typeof createRefundService>;
