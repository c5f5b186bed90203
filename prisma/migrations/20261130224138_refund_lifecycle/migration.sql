-- AlterTable
ALTER TABLE "payments" ADD COLUMN     "charge_amount_refunded" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "refunds" (
    "id" VARCHAR(255) NOT NULL,
    "stripe_charge_id" VARCHAR(255),
    "stripe_payment_intent_id" VARCHAR(255),
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "failure_reason" VARCHAR(100),
    "stripe_created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "refunds_stripe_charge_id_idx" ON "refunds"("stripe_charge_id");

-- CreateIndex
CREATE INDEX "refunds_stripe_payment_intent_id_idx" ON "refunds"("stripe_payment_intent_id");

-- By hand: what charge.refunded said so far is what amount_refunded holds today.
UPDATE "payments" SET "charge_amount_refunded" = "amount_refunded";
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive" CHECK ("amount" > 0);

-- A refund's status only moves forward: pending (or requires_action), then succeeded, then
-- failed or canceled (a succeeded card refund can still fail). Later news never moves it back.
CREATE FUNCTION "refund_status_rank"(status text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE status WHEN 'succeeded' THEN 1 WHEN 'failed' THEN 2 WHEN 'canceled' THEN 2 ELSE 0 END
$$;
