-- CreateTable
CREATE TABLE "invoice_attempts" (
    "invoice_id" VARCHAR(255) NOT NULL,
    "pledge_id" UUID NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "attempt_count" INTEGER NOT NULL,
    "next_payment_attempt" TIMESTAMPTZ(3),
    "action_required" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "invoice_attempts_pkey" PRIMARY KEY ("invoice_id")
);

-- CreateIndex
CREATE INDEX "invoice_attempts_pledge_id_period_start_idx" ON "invoice_attempts"("pledge_id", "period_start");

-- AddForeignKey
ALTER TABLE "invoice_attempts" ADD CONSTRAINT "invoice_attempts_pledge_id_fkey" FOREIGN KEY ("pledge_id") REFERENCES "pledges"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- By hand: within one billing period a subscription's state moves past_due -> unpaid (retries ran
-- out) -> active (paid after all); news of an older period never overwrites a newer one, and
-- cancellation is final (see src/payments/pledge-ledger-repository.ts).
CREATE FUNCTION "subscription_state_rank"(state text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE state WHEN 'past_due' THEN 0 WHEN 'unpaid' THEN 1 WHEN 'active' THEN 2 ELSE -1 END
$$;
