// Refunds staff ask for: one Stripe call, keyed by the refund request so a retried click never
// refunds twice. The ledger is not touched here: Stripe's charge.refunded webhook moves it.
import type Stripe from 'stripe';
import type { RefundGateway } from '../payments/refund-service.ts';
import { toStripeAppError } from './stripe-errors.ts';

export function createRefundGateway(stripe: Stripe): RefundGateway {
  return {
    async refund(request) {
      try {
        const refund = await stripe.refunds.create(
          {
            ...(request.chargeId ? { charge: request.chargeId } : { payment_intent: request.paymentIntentId! }),
            amount: request.amount,
            reason: 'requested_by_customer',
            metadata: { refund_request_id: request.requestId },
          },
          { idempotencyKey: `refund-request-${request.requestId}` },
        );
        return { id: refund.id, status: refund.status ?? 'pending' };
      } catch (error) {
        throw toStripeAppError(error);
      }
    },
  };
}
