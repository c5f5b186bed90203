// Refunds that stay pending or fail. Stripe counts a refund in the charge's amount_refunded the
// moment it is made, pending or not (charge.refunded); a bank-debit refund can fail days later,
// and a card refund can fail too, and then Stripe takes it back off the charge and sends
// refund.updated / refund.failed / charge.refund.updated (never another charge.refunded). The
// money comes back to the campaign: the payment's refunded amount follows each refund's state.
import type { LedgerOutcome, PaymentMatches, PaymentNotices } from './payment-service.ts';
import type { RefundRepository } from './refund-repository.ts';
import type { PaymentRef } from './payment-repository.ts';

export type RefundStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'canceled';

/** A Stripe object that moves money on one charge (a refund, a dispute), in the service's terms. */
export interface ChargeMoneyFacts {
  id: string;
  chargeId: string | null;
  paymentIntentId: string | null;
  amount: number;
  currency: string;
}

export interface RefundFacts extends ChargeMoneyFacts {
  status: string;
  failureReason: string | null;
  createdAt: Date;
}

export function createRefundLedger(deps: {
  refunds: RefundRepository;
  deferFor(ref: PaymentRef): LedgerOutcome;
  notices?: Pick<PaymentNotices, 'refundSucceeded'>;
  matches?: PaymentMatches;
}) {
  return {
    /**
     * One refund as Stripe reports it, in any of its states; kept even before its payment is known.
     * The donor hears of a refund once, when it has succeeded: a pending one may still fail, and a
     * failed one has given nothing back (nor may it leave a notice with a wrong net).
     */
    async recordRefundState(refund: RefundFacts): Promise<LedgerOutcome> {
      const status = await deps.refunds.merge(refund);
      const ref = { paymentIntentId: refund.paymentIntentId, chargeId: refund.chargeId };
      if (!(await deps.refunds.recomputeRefunded(ref))) return deps.deferFor(ref);
      await deps.matches?.paymentChanged({ ...ref, invoiceId: null });
      if (status === 'succeeded') await deps.notices?.refundSucceeded({ refundId: refund.id, ...ref });
      return { status: 'processed' };
    },
  };
}

export type RefundLedger = ReturnType<typeof createRefundLedger>;
