-- Written by hand: a payment's NOTIFY on campaign_progress only when its contribution to the
-- totals changed. Progress is the totals' shards and the pools (which NOTIFY on their own); a
-- write that moves neither (the fee and net filled after the webhook, a payout, a charge id) had
-- nothing to announce, yet every NOTIFY takes PostgreSQL's one lock for the notification queue at
-- commit and holds it through the commit's WAL flush: the fee fills queued with the intake's
-- payments on that lock (sampled from pg_stat_activity during the bench, Lock:object), and a
-- payment holding its match pool's row lock waited there too. The function is otherwise as
-- 20261129035334_webhook_deferral_and_subscription_state left it.
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
  IF o IS NOT DISTINCT FROM n THEN
    RETURN NULL;
  END IF;
  -- Only a change to the totals is news for progress (src/campaigns/progress-hub.ts).
  PERFORM pg_notify('campaign_progress', campaign::text);

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
