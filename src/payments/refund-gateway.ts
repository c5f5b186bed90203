// The port refunds are asked through: the refund service says which payment and how much; an
// adapter (src/stripe/stripe-refund-gateway.ts) says it in Stripe's terms. Failures come back as
// the PaymentProvider* errors of src/errors.ts.

export interface RefundOrder {
  /** Our refund request: the idempotency key and the refund's metadata are derived from it. */
  requestId: string;
  chargeId: string | null;
  paymentIntentId: string | null;
  amount: number;
}

export interface RefundRef {
  id: string;
  status: string;
}

export interface RefundGateway {
  refund(order: RefundOrder): Promise<RefundRef>;
}
