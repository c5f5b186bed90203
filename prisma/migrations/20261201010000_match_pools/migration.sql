-- CreateTable
CREATE TABLE "match_pools" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "campaign_id" UUID NOT NULL,
    "sponsor" VARCHAR(200) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "cap" BIGINT NOT NULL,
    "per_donor_cap" BIGINT,
    "multiplier" INTEGER NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "qualifies" VARCHAR(16) NOT NULL DEFAULT 'all',
    "monthly" VARCHAR(24) NOT NULL DEFAULT 'first_installment',
    "monthly_installments" INTEGER NOT NULL DEFAULT 1,
    "allocated" BIGINT NOT NULL DEFAULT 0,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "match_pools_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "match_allocations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pool_id" UUID NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "source_id" VARCHAR(255) NOT NULL,
    "payment_id" UUID,
    "series" VARCHAR(255),
    "donor_email" VARCHAR(254) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "gift_amount" INTEGER NOT NULL,
    "original" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    "gift_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reversed_at" TIMESTAMPTZ(3),

    CONSTRAINT "match_allocations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "match_pools_campaign_id_idx" ON "match_pools"("campaign_id");

-- CreateIndex
CREATE INDEX "match_allocations_pool_id_donor_email_idx" ON "match_allocations"("pool_id", "donor_email");

-- CreateIndex
CREATE INDEX "match_allocations_pool_id_series_idx" ON "match_allocations"("pool_id", "series");

-- CreateIndex
CREATE INDEX "match_allocations_source_source_id_idx" ON "match_allocations"("source", "source_id");

-- CreateIndex
CREATE INDEX "match_allocations_payment_id_idx" ON "match_allocations"("payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "match_allocations_pool_id_source_source_id_key" ON "match_allocations"("pool_id", "source", "source_id");

-- AddForeignKey
ALTER TABLE "match_pools" ADD CONSTRAINT "match_pools_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_allocations" ADD CONSTRAINT "match_allocations_pool_id_fkey" FOREIGN KEY ("pool_id") REFERENCES "match_pools"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "match_allocations" ADD CONSTRAINT "match_allocations_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Written by hand: what a match may never be. A pool never gives more than its cap; an
-- allocation never gives back more than it gave, nor more than it first gave.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "match_pools"
  ADD CONSTRAINT "match_pools_currency_format" CHECK ("currency" ~ '^[a-z]{3}$'),
  ADD CONSTRAINT "match_pools_cap_positive" CHECK ("cap" > 0),
  ADD CONSTRAINT "match_pools_per_donor_cap_positive" CHECK ("per_donor_cap" IS NULL OR "per_donor_cap" > 0),
  ADD CONSTRAINT "match_pools_allocated_range" CHECK ("allocated" >= 0 AND "allocated" <= "cap"),
  ADD CONSTRAINT "match_pools_multiplier_range" CHECK ("multiplier" BETWEEN 1 AND 10),
  ADD CONSTRAINT "match_pools_window" CHECK ("ends_at" > "starts_at"),
  ADD CONSTRAINT "match_pools_qualifies" CHECK ("qualifies" IN ('all', 'first_time')),
  ADD CONSTRAINT "match_pools_monthly" CHECK ("monthly" IN ('first_installment', 'installments')),
  ADD CONSTRAINT "match_pools_installments_range" CHECK ("monthly_installments" BETWEEN 1 AND 36);

ALTER TABLE "match_allocations"
  ADD CONSTRAINT "match_allocations_source" CHECK ("source" IN ('payment', 'offline')),
  ADD CONSTRAINT "match_allocations_payment_source" CHECK (("source" = 'payment') = ("payment_id" IS NOT NULL)),
  ADD CONSTRAINT "match_allocations_gift_nonnegative" CHECK ("gift_amount" >= 0),
  ADD CONSTRAINT "match_allocations_amount_range" CHECK ("amount" >= 0 AND "amount" <= "original");

-- Live progress: a pool's change (an allocation, a reversal, staff's edit) moves the campaign's
-- `matched`, so it is announced on the same channel as a payment, when it commits.
CREATE FUNCTION "match_pools_notify"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('campaign_progress', COALESCE(NEW.campaign_id, OLD.campaign_id)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "match_pools_notify"
  AFTER INSERT OR UPDATE OR DELETE ON "match_pools"
  FOR EACH ROW EXECUTE FUNCTION "match_pools_notify"();
