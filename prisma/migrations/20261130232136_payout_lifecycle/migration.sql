-- AlterTable
ALTER TABLE "payouts" ADD COLUMN     "carried" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failure_code" VARCHAR(64),
ADD COLUMN     "failure_message" VARCHAR(500);

-- CreateTable
CREATE TABLE "payout_items" (
    "balance_transaction_id" VARCHAR(255) NOT NULL,
    "payout_id" VARCHAR(255) NOT NULL,
    "charge_id" VARCHAR(255),
    "payment_intent_id" VARCHAR(255),

    CONSTRAINT "payout_items_pkey" PRIMARY KEY ("balance_transaction_id")
);

-- CreateIndex
CREATE INDEX "payout_items_payout_id_idx" ON "payout_items"("payout_id");

-- CreateIndex
CREATE INDEX "payout_items_charge_id_idx" ON "payout_items"("charge_id");

-- CreateIndex
CREATE INDEX "payout_items_payment_intent_id_idx" ON "payout_items"("payment_intent_id");

-- By hand: a payout's status only moves forward (pending, in_transit, paid, then failed or
-- canceled: a paid payout can still fail), so its events applied in any order end in one state.
CREATE FUNCTION "payout_status_rank"(status text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE status WHEN 'pending' THEN 0 WHEN 'in_transit' THEN 1 WHEN 'paid' THEN 2
    WHEN 'failed' THEN 3 WHEN 'canceled' THEN 3 ELSE 0 END
$$;

-- By hand: a payment recorded (or given its charge) after its payout's event finds its payout
-- here, in the same statement, so that the order of events never leaves it unlinked.
CREATE FUNCTION "payments_find_payout"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.stripe_payout_id IS NULL THEN
    SELECT i.payout_id, po.arrival_date INTO NEW.stripe_payout_id, NEW.payout_arrival_date
    FROM payout_items i JOIN payouts po ON po.id = i.payout_id
    WHERE i.charge_id = NEW.stripe_charge_id OR i.payment_intent_id = NEW.stripe_payment_intent_id
       OR i.balance_transaction_id = NEW.stripe_balance_transaction_id
    LIMIT 1;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "payments_find_payout"
  BEFORE INSERT OR UPDATE OF stripe_charge_id, stripe_payment_intent_id, stripe_balance_transaction_id, stripe_payout_id ON "payments"
  FOR EACH ROW EXECUTE FUNCTION "payments_find_payout"();
