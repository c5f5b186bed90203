-- A refund request is 'requested' from the moment it is written until Stripe answers it: while it
-- is, Stripe may or may not have made the refund. At most one such request a payment, so that
-- asking again always retries that request (its idempotency key) rather than making a new one,
-- even when two members of staff click at once. Prisma's schema language cannot say a partial index.
CREATE UNIQUE INDEX "refund_requests_one_open_per_payment" ON "refund_requests"("payment_id") WHERE "status" = 'requested';
