-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Frequency" AS ENUM ('once', 'monthly');

-- CreateEnum
CREATE TYPE "PledgeStatus" AS ENUM ('pending', 'completed', 'failed', 'expired', 'cancelled');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('pending', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('none', 'open', 'won', 'lost');

-- CreateEnum
CREATE TYPE "WebhookEventStatus" AS ENUM ('received', 'processed', 'ignored', 'failed');

-- CreateTable
CREATE TABLE "campaigns" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" VARCHAR(64) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "goal" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC',
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "preset_amounts" INTEGER[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_total_shards" (
    "campaign_id" UUID NOT NULL,
    "shard" SMALLINT NOT NULL,
    "raised" BIGINT NOT NULL DEFAULT 0,
    "pending" BIGINT NOT NULL DEFAULT 0,
    "refunded" BIGINT NOT NULL DEFAULT 0,
    "disputed" BIGINT NOT NULL DEFAULT 0,
    "donors" BIGINT NOT NULL DEFAULT 0,
    "donations" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_total_shards_pkey" PRIMARY KEY ("campaign_id","shard")
);

-- CreateTable
CREATE TABLE "pledges" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "campaign_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "covered_fee" INTEGER NOT NULL DEFAULT 0,
    "currency" CHAR(3) NOT NULL,
    "frequency" "Frequency" NOT NULL,
    "cover_fees" BOOLEAN NOT NULL DEFAULT false,
    "email" VARCHAR(254) NOT NULL,
    "name" VARCHAR(100),
    "anonymous" BOOLEAN NOT NULL DEFAULT false,
    "message" VARCHAR(500),
    "dedication" VARCHAR(200),
    "status" "PledgeStatus" NOT NULL DEFAULT 'pending',
    "checkout_session_id" VARCHAR(255),
    "stripe_subscription_id" VARCHAR(255),
    "stripe_customer_id" VARCHAR(255),
    "idempotency_key" VARCHAR(255),
    "request_hash" CHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "pledges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pledge_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "status" "PaymentStatus" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount" INTEGER NOT NULL,
    "covered_fee" INTEGER NOT NULL DEFAULT 0,
    "fee" INTEGER,
    "net" INTEGER,
    "amount_refunded" INTEGER NOT NULL DEFAULT 0,
    "dispute_status" "DisputeStatus" NOT NULL DEFAULT 'none',
    "disputed_amount" INTEGER NOT NULL DEFAULT 0,
    "stripe_dispute_id" VARCHAR(255),
    "stripe_payment_intent_id" VARCHAR(255),
    "stripe_charge_id" VARCHAR(255),
    "stripe_invoice_id" VARCHAR(255),
    "stripe_balance_transaction_id" VARCHAR(255),
    "stripe_payout_id" VARCHAR(255),
    "payout_arrival_date" TIMESTAMPTZ(3),
    "flag" VARCHAR(500),
    "paid_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payouts" (
    "id" VARCHAR(255) NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" VARCHAR(32) NOT NULL,
    "arrival_date" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" VARCHAR(255) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "api_version" VARCHAR(64),
    "livemode" BOOLEAN NOT NULL DEFAULT false,
    "object_id" VARCHAR(255),
    "payload" JSONB NOT NULL,
    "status" "WebhookEventStatus" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "source" VARCHAR(32) NOT NULL DEFAULT 'webhook',
    "stripe_created_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_keys" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "label" VARCHAR(100) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "admin_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "campaigns_slug_key" ON "campaigns"("slug");

-- CreateIndex
CREATE INDEX "campaigns_starts_at_ends_at_idx" ON "campaigns"("starts_at", "ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "pledges_checkout_session_id_key" ON "pledges"("checkout_session_id");

-- CreateIndex
CREATE UNIQUE INDEX "pledges_stripe_subscription_id_key" ON "pledges"("stripe_subscription_id");

-- CreateIndex
CREATE UNIQUE INDEX "pledges_idempotency_key_key" ON "pledges"("idempotency_key");

-- CreateIndex
CREATE INDEX "pledges_campaign_id_created_at_idx" ON "pledges"("campaign_id", "created_at");

-- CreateIndex
CREATE INDEX "pledges_status_created_at_idx" ON "pledges"("status", "created_at");

-- CreateIndex
CREATE INDEX "pledges_created_at_idx" ON "pledges"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "payments_stripe_payment_intent_id_key" ON "payments"("stripe_payment_intent_id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_stripe_charge_id_key" ON "payments"("stripe_charge_id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_stripe_invoice_id_key" ON "payments"("stripe_invoice_id");

-- CreateIndex
CREATE INDEX "payments_pledge_id_idx" ON "payments"("pledge_id");

-- CreateIndex
CREATE INDEX "payments_campaign_id_paid_at_idx" ON "payments"("campaign_id", "paid_at");

-- CreateIndex
CREATE INDEX "payments_paid_at_idx" ON "payments"("paid_at");

-- CreateIndex
CREATE INDEX "payments_stripe_payout_id_idx" ON "payments"("stripe_payout_id");

-- CreateIndex
CREATE INDEX "payments_stripe_balance_transaction_id_idx" ON "payments"("stripe_balance_transaction_id");

-- CreateIndex
CREATE INDEX "payouts_arrival_date_idx" ON "payouts"("arrival_date");

-- CreateIndex
CREATE INDEX "webhook_events_status_received_at_idx" ON "webhook_events"("status", "received_at");

-- CreateIndex
CREATE INDEX "webhook_events_object_id_idx" ON "webhook_events"("object_id");

-- CreateIndex
CREATE UNIQUE INDEX "admin_keys_key_hash_key" ON "admin_keys"("key_hash");

-- AddForeignKey
ALTER TABLE "campaign_total_shards" ADD CONSTRAINT "campaign_total_shards_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pledges" ADD CONSTRAINT "pledges_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_pledge_id_fkey" FOREIGN KEY ("pledge_id") REFERENCES "pledges"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Written by hand: rules that keep money right, which Prisma's schema language cannot express.
-- ---------------------------------------------------------------------------------------------

ALTER TABLE "campaigns"
  ADD CONSTRAINT "campaigns_slug_format" CHECK ("slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  ADD CONSTRAINT "campaigns_currency_format" CHECK ("currency" ~ '^[a-z]{3}$'),
  ADD CONSTRAINT "campaigns_goal_positive" CHECK ("goal" > 0),
  ADD CONSTRAINT "campaigns_window" CHECK ("ends_at" > "starts_at"),
  ADD CONSTRAINT "campaigns_presets_positive" CHECK (0 < ALL (COALESCE("preset_amounts", '{}'::int[])));

ALTER TABLE "pledges"
  ADD CONSTRAINT "pledges_currency_format" CHECK ("currency" ~ '^[a-z]{3}$'),
  ADD CONSTRAINT "pledges_amount_positive" CHECK ("amount" > 0),
  ADD CONSTRAINT "pledges_covered_fee_range" CHECK ("covered_fee" >= 0 AND "covered_fee" < "amount"),
  ADD CONSTRAINT "pledges_covered_fee_flag" CHECK ("cover_fees" OR "covered_fee" = 0);

ALTER TABLE "payments"
  ADD CONSTRAINT "payments_currency_format" CHECK ("currency" ~ '^[a-z]{3}$'),
  ADD CONSTRAINT "payments_amount_nonnegative" CHECK ("amount" >= 0),
  ADD CONSTRAINT "payments_covered_fee_range" CHECK ("covered_fee" >= 0 AND "covered_fee" <= "amount"),
  ADD CONSTRAINT "payments_refund_range" CHECK ("amount_refunded" >= 0 AND "amount_refunded" <= "amount"),
  ADD CONSTRAINT "payments_dispute_range" CHECK ("disputed_amount" >= 0 AND "disputed_amount" <= "amount"),
  ADD CONSTRAINT "payments_fee_nonnegative" CHECK ("fee" IS NULL OR "fee" >= 0),
  ADD CONSTRAINT "payments_has_stripe_reference"
    CHECK ("stripe_payment_intent_id" IS NOT NULL OR "stripe_charge_id" IS NOT NULL OR "stripe_invoice_id" IS NOT NULL);

ALTER TABLE "campaign_total_shards"
  ADD CONSTRAINT "campaign_total_shards_shard_range" CHECK ("shard" >= 0 AND "shard" < 16);

ALTER TABLE "webhook_events"
  ADD CONSTRAINT "webhook_events_attempts_nonnegative" CHECK ("attempts" >= 0);

-- What one payment adds to its campaign's totals. Raised is what the donor meant to give (gross
-- less the fee they chose to cover) less refunds and disputed money not won back. Pending money
-- (delayed methods) is kept apart. Flagged payments (amount or currency disagreeing with the
-- pledge) count for nothing until someone looks at them.
CREATE TYPE "payment_contribution" AS (
  raised bigint, pending bigint, refunded bigint, disputed bigint, donations bigint
);

CREATE FUNCTION "payment_contribution"(p "payments") RETURNS "payment_contribution"
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p.flag IS NOT NULL OR p.status = 'failed' THEN ROW(0, 0, 0, 0, 0)::payment_contribution
    WHEN p.status = 'pending' THEN ROW(0, p.amount - p.covered_fee, 0, 0, 0)::payment_contribution
    ELSE ROW(
      GREATEST(p.amount - p.covered_fee - p.amount_refunded
        - CASE WHEN p.dispute_status IN ('open', 'lost') THEN p.disputed_amount ELSE 0 END, 0),
      0,
      p.amount_refunded,
      CASE WHEN p.dispute_status IN ('open', 'lost') THEN p.disputed_amount ELSE 0 END,
      1
    )::payment_contribution
  END
$$;

-- Keeps campaign_total_shards exact in the same transaction as every change to a payment. Each
-- database session writes its own shard (backend pid mod 16), so payments to one campaign that
-- arrive at once land on different rows instead of queueing on one, progress sums the shards.
CREATE FUNCTION "payments_roll_up_totals"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  zero payment_contribution := ROW(0, 0, 0, 0, 0);
  o payment_contribution := zero;
  n payment_contribution := zero;
  donors_delta bigint := 0;
  pledge uuid;
  campaign uuid;
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.campaign_id <> NEW.campaign_id OR OLD.pledge_id <> NEW.pledge_id) THEN
    RAISE EXCEPTION 'a payment cannot move to another campaign or pledge';
  END IF;
  IF TG_OP <> 'INSERT' THEN o := payment_contribution(OLD); pledge := OLD.pledge_id; campaign := OLD.campaign_id; END IF;
  IF TG_OP <> 'DELETE' THEN n := payment_contribution(NEW); pledge := NEW.pledge_id; campaign := NEW.campaign_id; END IF;
  IF o IS NOT DISTINCT FROM n THEN
    RETURN NULL;
  END IF;

  -- A donor is a pledge with at least one counted payment (a monthly donor counts once). The
  -- pledge row lock serialises the rare concurrent payments of one pledge, not of a campaign.
  IF n.donations <> o.donations THEN
    PERFORM 1 FROM pledges WHERE id = pledge FOR UPDATE;
    IF NOT EXISTS (
      SELECT 1 FROM payments x
      WHERE x.pledge_id = pledge AND x.id <> COALESCE(NEW.id, OLD.id)
        AND x.status = 'succeeded' AND x.flag IS NULL
    ) THEN
      donors_delta := n.donations - o.donations;
    END IF;
  END IF;

  INSERT INTO campaign_total_shards AS t
    (campaign_id, shard, raised, pending, refunded, disputed, donors, donations, updated_at)
  VALUES (campaign, mod(pg_backend_pid(), 16),
    n.raised - o.raised, n.pending - o.pending, n.refunded - o.refunded,
    n.disputed - o.disputed, donors_delta, n.donations - o.donations, now())
  ON CONFLICT (campaign_id, shard) DO UPDATE SET
    raised = t.raised + EXCLUDED.raised,
    pending = t.pending + EXCLUDED.pending,
    refunded = t.refunded + EXCLUDED.refunded,
    disputed = t.disputed + EXCLUDED.disputed,
    donors = t.donors + EXCLUDED.donors,
    donations = t.donations + EXCLUDED.donations,
    updated_at = EXCLUDED.updated_at;
  RETURN NULL;
END
$$;

CREATE TRIGGER "payments_roll_up_totals"
  AFTER INSERT OR UPDATE OR DELETE ON "payments"
  FOR EACH ROW EXECUTE FUNCTION "payments_roll_up_totals"();
