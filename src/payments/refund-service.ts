// Refunds from the dashboard. The rules: only a settled payment, at most what is left of it, a
// reason always, and who asked is kept. The request is written before Stripe is called, so even a
// refund whose answer was lost is on record; the ledger moves only by Stripe's webhook.
import { NotFound, ValidationFailed, type ErrorDetail } from '../errors.ts';
import { formatMoney } from '../money/currency.ts';
import type { RefundGateway } from './refund-gateway.ts';
import type { PaymentQueryRepository, PaymentRow } from './payment-query-repository.ts';


export interface RefundAsk {
  paymentId: string;
  /** Minor units; the whole of what is left when omitted. */
  amount?: number;
  reason: string;
  adminKeyId: string;
}

export function refundableOf(payment: Pick<PaymentRow, 'amount' | 'amountRefunded' | 'status'>): number {
  return payment.status === 'succeeded' ? Math.max(0, payment.amount - payment.amountRefunded) : 0;
}

export function createRefundService(deps: { payments: PaymentQueryRepository; gateway: RefundGateway }) {
  /** The payment and the amount to refund, or a 400/404 naming what is wrong. */
  async function check(ask: Omit<RefundAsk, 'adminKeyId'>): Promise<{ payment: PaymentRow; amount: number }> {
    const payment = await deps.payments.find(ask.paymentId);
    if (!payment) throw new NotFound(`Payment '${ask.paymentId}'`);
    const left = refundableOf(payment);
    if (left === 0) throw ValidationFailed.field('amount', 'Nothing is left to refund on this payment');
    const amount = ask.amount ?? left;
    const problems: ErrorDetail[] = [];
    if (!Number.isInteger(amount) || amount < 1 || amount > left) {
      problems.push({ field: 'amount', message: `Must be between ${formatMoney(1, payment.currency)} and ${formatMoney(left, payment.currency)}` });
    }
    if (!ask.reason.trim()) problems.push({ field: 'reason', message: 'Say why: it is kept with the refund' });
    if (ask.reason.length > 500) problems.push({ field: 'reason', message: 'Must be at most 500 characters' });
    if (!payment.stripe.charge && !payment.stripe.paymentIntent) problems.push({ field: 'amount', message: 'This payment has no Stripe charge to refund' });
    if (problems.length) throw new ValidationFailed(problems);
    return { payment, amount };
  }

  return {
    check,

    async refund(ask: RefundAsk): Promise<{ requestId: string; stripeRefundId: string; amount: number; currency: string }> {
      const { payment, amount } = await check(ask);
      const requestId = await deps.payments.recordRefundRequest({
        paymentId: payment.id, amount, currency: payment.currency, reason: ask.reason.trim(), requestedBy: ask.adminKeyId,
      });
      try {
        const refund = await deps.gateway.refund({ requestId, chargeId: payment.stripe.charge, paymentIntentId: payment.stripe.paymentIntent, amount });
        await deps.payments.settleRefundRequest(requestId, { stripeRefundId: refund.id, status: refund.status });
        return { requestId, stripeRefundId: refund.id, amount, currency: payment.currency };
      } catch (error) {
        await deps.payments.settleRefundRequest(requestId, { error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },
  };
}

export type RefundService = ReturnType<typeof createRefundService>;
