// Refunds staff ask for. Each is keyed by our refund request, twice over: the idempotency key
// makes Stripe answer a resent request with the refund it already made, and, because Stripe
// forgets keys after 24 hours, a retry first looks among the charge's refunds for one carrying
// the request's id. The ledger is not touched here: Stripe's charge.refunded webhook moves it.
import type Stripe from 'stripe';
import type { RefundGateway, RefundTarget } from '../payments/refund-gateway.ts';
import { callStripe } from './stripe-errors.ts';

const REQUEST_ID = 'refund_request_id';

const chargeOf = (target: RefundTarget) => (target.chargeId ? { charge: target.chargeId } : { payment_intent: target.paymentIntentId! });

export function createRefundGateway(stripe: Stripe): RefundGateway {
  return {
    refund: (order) =>
      callStripe(async () => {
        if (order.retry) {
          // A charge has few refunds: the first page is all of them in practice, and autoPaging reads the rest.
          for await (const made of stripe.refunds.list({ ...chargeOf(order), limit: 100 })) {
            if (made.metadata?.[REQUEST_ID] === order.requestId) return { id: made.id, status: made.status ?? 'pending' };
          }
        }
        const refund = await stripe.refunds.create(
          { ...chargeOf(order), amount: order.amount, reason: 'requested_by_customer', metadata: { [REQUEST_ID]: order.requestId } },
          { idempotencyKey: `refund-request-${order.requestId}` },
        );
        return { id: refund.id, status: refund.status ?? 'pending' };
      }),

    refundedSoFar: (target) =>
      callStripe(async () => {
        const chargeId = target.chargeId ?? (await stripe.paymentIntents.retrieve(target.paymentIntentId!)).latest_charge;
        if (!chargeId) return 0;
        const charge = await stripe.charges.retrieve(typeof chargeId === 'string' ? chargeId : chargeId.id);
        return charge.amount_refunded;
      }),
  };
}
