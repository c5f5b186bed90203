-- CreateTable
CREATE TABLE "disputes" (
    "id" VARCHAR(255) NOT NULL,
    "stripe_charge_id" VARCHAR(255),
    "stripe_payment_intent_id" VARCHAR(255),
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "reason" VARCHAR(64),
    "evidence_due_by" TIMESTAMPTZ(3),
    "funds_withdrawn" INTEGER NOT NULL DEFAULT 0,
    "funds_reinstated" INTEGER NOT NULL DEFAULT 0,
    "fee" INTEGER NOT NULL DEFAULT 0,
    "stripe_created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "disputes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "disputes_stripe_charge_id_idx" ON "disputes"("stripe_charge_id");

-- CreateIndex
CREATE INDEX "disputes_stripe_payment_intent_id_idx" ON "disputes"("stripe_payment_intent_id");

-- CreateIndex
CREATE INDEX "disputes_status_evidence_due_by_idx" ON "disputes"("status", "evidence_due_by");

-- By hand: a dispute's status only moves forward. An inquiry (warning_*) may escalate to a
-- chargeback (needs_response); won, lost and warning_closed end it.
CREATE FUNCTION "dispute_status_rank"(status text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE status
    WHEN 'warning_needs_response' THEN 0 WHEN 'warning_under_review' THEN 1
    WHEN 'needs_response' THEN 2 WHEN 'under_review' THEN 3
    WHEN 'warning_closed' THEN 4 WHEN 'won' THEN 5 WHEN 'lost' THEN 5 ELSE 0 END
$$;
