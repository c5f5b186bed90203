// Large data, fast: generate_series inside PostgreSQL instead of a million API calls. The
// totals trigger is paused during the bulk insert and the campaign's totals rebuilt once from
// the same payment_contribution() function the trigger uses, so they are exactly what the
// trigger would have produced.
import pg from 'pg';

export async function seedCampaign(url: string, slug: string, goal = 1_000_000_00): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `INSERT INTO campaigns (slug, title, goal, currency, starts_at, ends_at, preset_amounts)
       VALUES ($1, 'Benchmark campaign', $2, 'usd', now() - interval '1 day', now() + interval '30 days', '{1000,2500,5000}')
       RETURNING id`,
      [slug, goal],
    );
    return rows[0].id as string;
  } finally {
    await client.end();
  }
}

export async function seedPayments(url: string, campaignId: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE payments DISABLE TRIGGER payments_roll_up_totals');
    await client.query(
      `INSERT INTO pledges (id, campaign_id, amount, currency, frequency, email, name, status, checkout_session_id, created_at, completed_at)
       SELECT md5($1::text || i)::uuid, $1::uuid, 1000 + (i % 9000), 'usd', 'once', 'donor' || i || '@example.org', 'Donor ' || i,
              'completed', 'cs_' || left(md5($1::text), 8) || '_' || i, now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval
       FROM generate_series(1, $2) AS i`,
      [campaignId, count],
    );
    await client.query(
      `INSERT INTO payments (pledge_id, campaign_id, status, currency, amount, fee, net, amount_refunded,
                             stripe_payment_intent_id, stripe_charge_id, stripe_balance_transaction_id, paid_at)
       SELECT md5($1::text || i)::uuid, $1::uuid, 'succeeded', 'usd', 1000 + (i % 9000),
              59 + (i % 9000) * 29 / 1000, 1000 + (i % 9000) - 59 - (i % 9000) * 29 / 1000,
              CASE WHEN i % 50 = 0 THEN 500 ELSE 0 END,
              'pi_' || left(md5($1::text), 8) || '_' || i, 'ch_' || left(md5($1::text), 8) || '_' || i, 'txn_' || left(md5($1::text), 8) || '_' || i, now() - (i || ' seconds')::interval
       FROM generate_series(1, $2) AS i`,
      [campaignId, count],
    );
    await client.query('ALTER TABLE payments ENABLE TRIGGER payments_roll_up_totals');
    await client.query('DELETE FROM campaign_total_shards WHERE campaign_id = $1', [campaignId]);
    await client.query(
      `INSERT INTO campaign_total_shards (campaign_id, shard, raised, pending, refunded, disputed, donors, donations)
       SELECT $1, 0, sum((c).raised), sum((c).pending), sum((c).refunded), sum((c).disputed),
              count(DISTINCT pledge_id) FILTER (WHERE (c).donations > 0), sum((c).donations)
       FROM (SELECT pledge_id, payment_contribution(p) AS c FROM payments p WHERE campaign_id = $1) AS x`,
      [campaignId],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE payments');
    await client.query('VACUUM ANALYZE pledges');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
