-- The inbox's fast path for its most common event: a paid one-time checkout whose pledge, payment
-- and match pools hold nothing unusual (src/webhooks/checkout-fast-path.ts). One statement in
-- autocommit does what the TypeScript path does in one interactive transaction (claim, subject
-- locks, payment, receipt, pledge, match, settle), so no lock (a match pool's row above all) is
-- held across a round trip to the app. What the TypeScript rules decide (the payment's figures,
-- the pledge's next status, the receipt's content) is decided there and passed in; this function
-- only checks that what it was decided from still holds, under the locks, and writes it.
-- Anything unusual raises SQLSTATE FP001: the statement writes nothing, and the app applies the
-- event through the TypeScript path instead. test/integration/webhooks/fast-path-agreement.test.ts
-- checks that both paths leave the same books over random event sequences.

-- What the fast path's payment and receipt were computed from, as one comparable value: read
-- before the call, compared under the pledge's row lock.
CREATE FUNCTION "checkout_fast_pledge_state"(pl "pledges") RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT md5(ROW(pl.amount, pl.covered_fee, pl.currency, pl.email, pl.name, pl.frequency, pl.status, pl.campaign_id,
    pl.checkout_session_id, pl.subscription_status, pl.subscription_status_at,
    (SELECT c.title FROM "campaigns" c WHERE c.id = pl.campaign_id))::text)
$$;

CREATE FUNCTION "webhook_fast_checkout"(
  p_event_id text, p_type text, p_api_version text, p_livemode boolean, p_object_id text, p_payload jsonb,
  p_source text, p_created_at timestamptz, p_subjects text[],
  p_pledge_id uuid, p_session_id text, p_pledge_state text, p_may_complete boolean, p_subscription_id text, p_customer_id text,
  p_payment_id uuid, p_amount integer, p_covered_fee integer, p_currency text, p_payment_intent_id text, p_paid_at timestamptz,
  p_email_id uuid, p_dedupe_key text, p_kind text, p_to text, p_subject text, p_html text, p_text text, p_message_id text,
  p_match boolean, p_donor_email text
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  pool record;
  donor_matched bigint;
  room bigint;
  took bigint;
BEGIN
  -- The claim: a duplicate (even one being applied right now elsewhere) waits on the key, then
  -- finds the row.
  INSERT INTO "webhook_events" (id, type, api_version, livemode, object_id, payload, status, attempts, source, stripe_created_at)
  VALUES (p_event_id, p_type, p_api_version, p_livemode, p_object_id, p_payload, 'received', 1, p_source, p_created_at)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN 'duplicate';
  END IF;
  -- The subjects' advisory locks, in the order the TypeScript path takes them (sorted).
  PERFORM pg_advisory_xact_lock(hashtextextended(s, 0)) FROM (SELECT DISTINCT s FROM unnest(p_subjects) AS u(s) ORDER BY s) l;

  -- Events deferred on this payment must be woken with it: the TypeScript path does that.
  IF EXISTS (SELECT 1 FROM "webhook_events" WHERE status = 'deferred' AND waiting_for = ANY(p_subjects)) THEN
    RAISE EXCEPTION USING ERRCODE = 'FP001', MESSAGE = 'events are deferred on its subjects';
  END IF;
  -- A payment already recorded is a merge (a late or repeated fact): the TypeScript path merges.
  IF EXISTS (SELECT 1 FROM "payments" WHERE stripe_payment_intent_id = p_payment_intent_id) THEN
    RAISE EXCEPTION USING ERRCODE = 'FP001', MESSAGE = 'payment already recorded';
  END IF;
  -- Locked as it was read: what was decided from it stays true until the commit.
  PERFORM 1 FROM "pledges" pl
  WHERE pl.id = p_pledge_id AND pl.checkout_session_id = p_session_id AND "checkout_fast_pledge_state"(pl) = p_pledge_state
  FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'FP001', MESSAGE = 'pledge changed since it was read';
  END IF;

  -- The payment (its trigger moves the campaign's totals), then its receipt, in this transaction.
  INSERT INTO "payments" (id, pledge_id, campaign_id, status, currency, amount, covered_fee, stripe_payment_intent_id,
    stripe_invoice_id, flag, paid_at, updated_at)
  SELECT p_payment_id, pl.id, pl.campaign_id, 'succeeded', p_currency, p_amount, p_covered_fee, p_payment_intent_id,
    NULL, NULL, p_paid_at, now()
  FROM "pledges" pl WHERE pl.id = p_pledge_id;
  IF p_email_id IS NOT NULL THEN
    INSERT INTO "email_outbox" (id, dedupe_key, kind, to_address, subject, html, text, message_id, headers)
    VALUES (p_email_id, p_dedupe_key, p_kind, p_to, p_subject, p_html, p_text, p_message_id, NULL)
    ON CONFLICT (dedupe_key) DO NOTHING;
  END IF;
  -- As PledgeLedgerRepository.advance(id, 'completed', ids) does; whether the status may move was
  -- judged by pledgeStatusMayBecome on the status locked above.
  UPDATE "pledges" SET
    checkout_session_id = COALESCE(checkout_session_id, p_session_id),
    stripe_subscription_id = COALESCE(stripe_subscription_id, p_subscription_id),
    stripe_customer_id = COALESCE(stripe_customer_id, p_customer_id),
    updated_at = now(),
    status = CASE WHEN p_may_complete THEN 'completed'::"PledgeStatus" ELSE status END,
    completed_at = CASE WHEN p_may_complete THEN COALESCE(completed_at, now()) ELSE completed_at END
  WHERE id = p_pledge_id;

  -- The match (src/matching/match-allocation.ts for a new, settled, one-time gift): every open
  -- pool of the campaign that takes the gift, locked in id order, gives what its cap and the
  -- donor's cap leave of the gift times its multiplier (p_donor_email as the TypeScript rules
  -- normalise it). Last, so the pools are locked briefly.
  IF p_match THEN
    FOR pool IN
      SELECT mp.id, mp.cap, mp.allocated, mp.per_donor_cap, mp.multiplier, mp.qualifies FROM "match_pools" mp
      WHERE mp.campaign_id = (SELECT campaign_id FROM "pledges" WHERE id = p_pledge_id) AND mp.currency = p_currency
        AND mp.starts_at <= p_paid_at AND p_paid_at < mp.ends_at AND (mp.closed_at IS NULL OR p_paid_at < mp.closed_at)
      ORDER BY mp.id
      FOR UPDATE
    LOOP
      -- Whether the donor gave before is a question for the TypeScript path.
      IF pool.qualifies <> 'all' THEN
        RAISE EXCEPTION USING ERRCODE = 'FP001', MESSAGE = 'a first-time pool';
      END IF;
      donor_matched := 0;
      IF pool.per_donor_cap IS NOT NULL THEN
        SELECT COALESCE(sum(a.amount), 0) INTO donor_matched FROM "match_allocations" a
        WHERE a.pool_id = pool.id AND a.donor_email = p_donor_email;
      END IF;
      room := GREATEST(0, LEAST(pool.cap - pool.allocated, COALESCE(pool.per_donor_cap - donor_matched, pool.cap - pool.allocated)));
      took := LEAST((p_amount - p_covered_fee)::bigint * pool.multiplier, room);
      INSERT INTO "match_allocations" (pool_id, source, source_id, payment_id, series, donor_email, currency, gift_amount, original, amount, gift_at)
      VALUES (pool.id, 'payment', p_payment_id::text, p_payment_id, NULL, p_donor_email, p_currency, p_amount - p_covered_fee, took, took, p_paid_at);
      IF took <> 0 THEN
        UPDATE "match_pools" SET allocated = allocated + took, updated_at = now() WHERE id = pool.id;
      END IF;
    END LOOP;
  END IF;

  UPDATE "webhook_events" SET status = 'processed', waiting_for = NULL, last_error = NULL, processed_at = now()
  WHERE id = p_event_id;
  RETURN 'processed';
END
$$;
