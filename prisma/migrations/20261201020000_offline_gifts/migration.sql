-- CreateEnum
CREATE TYPE "OfflineGiftMethod" AS ENUM ('check', 'bank_transfer', 'cash');

-- CreateTable
CREATE TABLE "offline_gifts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "campaign_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "received_on" DATE NOT NULL,
    "method" "OfflineGiftMethod" NOT NULL,
    "reference" VARCHAR(100),
    "donor_name" VARCHAR(100),
    "email" VARCHAR(254),
    "entry_key" VARCHAR(300),
    "request_hash" CHAR(64),
    "entered_by_key_id" UUID NOT NULL,
    "entered_by" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "voided_at" TIMESTAMPTZ(3),
    "voided_by_key_id" UUID,
    "voided_by" VARCHAR(100),
    "void_reason" VARCHAR(500),

    CONSTRAINT "offline_gifts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "offline_gifts_entry_key_key" ON "offline_gifts"("entry_key");

-- CreateIndex
CREATE INDEX "offline_gifts_campaign_id_created_at_idx" ON "offline_gifts"("campaign_id", "created_at");

-- CreateIndex
CREATE INDEX "offline_gifts_created_at_idx" ON "offline_gifts"("created_at");

-- CreateIndex
CREATE INDEX "offline_gifts_received_on_idx" ON "offline_gifts"("received_on");

-- AddForeignKey
ALTER TABLE "offline_gifts" ADD CONSTRAINT "offline_gifts_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offline_gifts" ADD CONSTRAINT "offline_gifts_entered_by_key_id_fkey" FOREIGN KEY ("entered_by_key_id") REFERENCES "admin_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offline_gifts" ADD CONSTRAINT "offline_gifts_voided_by_key_id_fkey" FOREIGN KEY ("voided_by_key_id") REFERENCES "admin_keys"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Written by hand: what Prisma's schema language cannot say.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE "offline_gifts"
  ADD CONSTRAINT "offline_gifts_amount_positive" CHECK ("amount" > 0),
  ADD CONSTRAINT "offline_gifts_currency_lower" CHECK ("currency" ~ '^[a-z]{3}$'),
  -- A void is whole: when, by whom and why, or none of it.
  ADD CONSTRAINT "offline_gifts_void_complete" CHECK (
    ("voided_at" IS NULL AND "voided_by" IS NULL AND "void_reason" IS NULL)
    OR ("voided_at" IS NOT NULL AND "voided_by" IS NOT NULL AND "void_reason" IS NOT NULL AND length(btrim("void_reason")) > 0)
  );

-- An offline gift in its campaign's totals, in the same transaction as the row: counted when it is
-- entered, taken back off when it is voided, on the session's own shard as the payments trigger
-- does, with the same NOTIFY so that every instance's live totals move when it commits. The row
-- is the record of money received: never deleted, and nothing but the void may change (once).
CREATE FUNCTION "offline_gifts_roll_up_totals"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  delta integer := 0;
  gift offline_gifts := COALESCE(NEW, OLD);
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'an offline gift is never deleted: void it';
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.voided_at IS NOT NULL THEN RETURN NULL; END IF;
    delta := 1;
  ELSE
    IF (OLD.campaign_id, OLD.amount, OLD.currency, OLD.received_on, OLD.method, OLD.reference, OLD.donor_name, OLD.email,
        OLD.entry_key, OLD.entered_by_key_id, OLD.entered_by, OLD.created_at)
       IS DISTINCT FROM
       (NEW.campaign_id, NEW.amount, NEW.currency, NEW.received_on, NEW.method, NEW.reference, NEW.donor_name, NEW.email,
        NEW.entry_key, NEW.entered_by_key_id, NEW.entered_by, NEW.created_at) THEN
      RAISE EXCEPTION 'an offline gift is never edited: void it and enter it again';
    END IF;
    IF OLD.voided_at IS NOT NULL THEN
      IF NEW.voided_at IS DISTINCT FROM OLD.voided_at OR NEW.void_reason IS DISTINCT FROM OLD.void_reason THEN
        RAISE EXCEPTION 'an offline gift is voided once';
      END IF;
      RETURN NULL;
    END IF;
    IF NEW.voided_at IS NULL THEN RETURN NULL; END IF;
    delta := -1;
  END IF;

  INSERT INTO campaign_total_shards AS t (campaign_id, shard, raised, donors, donations, updated_at)
  VALUES (gift.campaign_id, mod(pg_backend_pid(), 16), delta * gift.amount, delta, delta, now())
  ON CONFLICT (campaign_id, shard) DO UPDATE SET
    raised = t.raised + EXCLUDED.raised,
    donors = t.donors + EXCLUDED.donors,
    donations = t.donations + EXCLUDED.donations,
    updated_at = EXCLUDED.updated_at;
  PERFORM pg_notify('campaign_progress', gift.campaign_id::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER "offline_gifts_roll_up_totals"
  AFTER INSERT OR UPDATE OR DELETE ON "offline_gifts"
  FOR EACH ROW EXECUTE FUNCTION "offline_gifts_roll_up_totals"();
