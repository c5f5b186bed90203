-- AlterEnum
ALTER TYPE "WebhookEventStatus" ADD VALUE 'deferred';

-- AlterTable
ALTER TABLE "pledges" ADD COLUMN     "subscription_status" VARCHAR(32),
ADD COLUMN     "subscription_status_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "webhook_events" ADD COLUMN     "waiting_for" VARCHAR(255);

-- CreateIndex
CREATE INDEX "webhook_events_waiting_for_idx" ON "webhook_events"("waiting_for");

-- ---------------------------------------------------------------------------------------------
-- Written by hand: live progress. Same roll-up as before, plus a NOTIFY on campaign_progress
-- (payload: the campaign id) in the transaction that changed a payment, so listeners hear of it
-- exactly when it commits and never of a change that rolled back.
-- ---------------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION "payments_roll_up_totals"() RETURNS trigger
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
  PERFORM pg_notify('campaign_progress', campaign::text);
  IF o IS NOT DISTINCT FROM n THEN
    RETURN NULL;
  END IF;

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
