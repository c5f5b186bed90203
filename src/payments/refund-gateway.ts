// The port refunds are asked through: the refund service says which payment and how much; an
// adapter (src/stripe/stripe-refund-gateway.ts) says it in Stripe's terms. Failures come back as
// the PaymentProvider* errors of src/errors.ts: Refused means Stripe made nothing; any other
// failure means the outcome is unknown (Stripe may have made the refund and the answer was lost).

/** The charge a refund is taken from: its id, or the payment intent whose charge it is. */
export interface RefundTarget {
  chargeId: string | null;
  paymentIntentId: string | null;
}

export interface RefundOrder extends RefundTarget {
  /** Our refund request: Stripe's idempotency key and the refund's metadata both name it. */
  requestId: string;
  amount: number;
  /** The request was sent before without an answer: find the refund it may have made first. */
  retry: boolean;
}

export interface RefundRef {
  id: string;
  status: string;
}

export interface RefundGateway {
  /** Makes the order's refund at most once, however often it is sent. */
  refund(order: RefundOrder): Promise<RefundRef>;
  /** What Stripe has refunded of the charge so far, in minor units (refunds whose answer was lost included). */
  refundedSoFar(target: RefundTarget): Promise<number>;
}
