// Refunds staff ask for: one Stripe call, keyed by the refund request so a retried request never
// refunds twice. The ledger is not touched here: Stripe's charge.refunded webhook moves it.
import type Stripe from 'stripe';
import type { RefundGateway } from '../payments/refund-gateway.ts';
import { callStripe } from './stripe-errors.ts';

export function createRefundGateway(stripe: Stripe): RefundGateway {
  return {
    refund: (order) =>
      callStripe(async () => {
        const refund = await stripe.refunds.create(
          {
            ...(order.chargeId ? { charge: order.chargeId } : { payment_intent: order.paymentIntentId! }),
            amount: order.amount,
            reason: 'requested_by_customer',
            metadata: { refund_request_id: order.requestId },
          },
          { idempotencyKey: `refund-request-${order.requestId}` },
        );
        return { id: refund.id, status: refund.status ?? 'pending' };
      }),
  };
}
