// The end of the chaos run: the product's database and public totals against Stripe's own record,
// field by field, to the cent. Each check lists its differences (the first few of them).
import type pg from 'pg';
import type Stripe from 'stripe';
import { eventHandlers } from '../../../src/webhooks/event-handlers.ts';
import type { StripeRecord } from './stripe-record.ts';
import type { Outcome } from './workload.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  compared: number;
  differences: string[];
}

class Check {
  differences: string[] = [];
  compared = 0;
  constructor(readonly name: string) {}
  same(what: string, actual: unknown, expected: unknown): void {
    this.compared++;
    if (actual !== expected) this.differences.push(`${what}: database ${fmt(actual)}, Stripe ${fmt(expected)}`);
  }
  fail(message: string): void {
    this.differences.push(message);
  }
  result(): CheckResult {
    return { name: this.name, ok: this.differences.length === 0, compared: this.compared, differences: this.differences };
  }
}

const fmt = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const idOf = (v: string | { id: string } | null | undefined): string | null => (v == null ? null : typeof v === 'string' ? v : v.id);
const int = (v: unknown) => (v === null || v === undefined ? null : Number(v));

interface PaymentRow {
  pledgeId: string;
  campaign: string;
  status: string;
  currency: string;
  amount: number;
  coveredFee: number;
  fee: number | null;
  net: number | null;
  amountRefunded: number;
  disputeStatus: string;
  disputedAmount: number;
  paymentIntentId: string | null;
  chargeId: string | null;
  invoiceId: string | null;
  balanceTransactionId: string | null;
  payoutId: string | null;
  flag: string | null;
}

function disputeState(status: Stripe.Dispute.Status): string {
  if (status === 'won' || status === 'lost') return status;
  if (status.startsWith('warning_')) return 'none';
  return 'open';
}

/** Money a dispute holds back from the campaign: all of it unless the charge was won back. */
const withheld = (d: Stripe.Dispute | undefined) => (d && !d.status.startsWith('warning_') && d.status !== 'won' ? d.amount : 0);

export interface CheckInput {
  db: pg.Client;
  record: StripeRecord;
  outcomes: Outcome[];
  campaigns: string[];
  appUrls: string[];
}

export async function runChecks(input: CheckInput): Promise<CheckResult[]> {
  const { db, record, outcomes } = input;
  const byPledge = new Map(outcomes.flatMap((o) => [[o.pledgeId, o] as const, ...(o.expired ? [[o.expired.pledgeId, o] as const] : [])]));
  const coveredOf = (pledgeId: string, amount: number) => Math.min(byPledge.get(pledgeId)?.coveredFee ?? 0, amount);
  const disputeOf = new Map(record.disputes.map((d) => [idOf(d.charge)!, d]));
  const invoiceOfIntent = new Map<string, string>();
  for (const inv of record.invoices) {
    for (const p of inv.payments?.data ?? []) {
      const pi = idOf(p.payment?.payment_intent as string | null);
      if (pi && inv.id) invoiceOfIntent.set(pi, inv.id);
    }
  }
  const results: CheckResult[] = [];

  // --- payments -------------------------------------------------------------------------------
  const { rows: paymentRows } = await db.query<PaymentRow>(`
    SELECT p.pledge_id AS "pledgeId", c.slug AS campaign, p.status::text, p.currency, p.amount, p.covered_fee AS "coveredFee",
           p.fee, p.net, p.amount_refunded AS "amountRefunded", p.dispute_status::text AS "disputeStatus",
           p.disputed_amount AS "disputedAmount", p.stripe_payment_intent_id AS "paymentIntentId", p.stripe_charge_id AS "chargeId",
           p.stripe_invoice_id AS "invoiceId", p.stripe_balance_transaction_id AS "balanceTransactionId",
           p.stripe_payout_id AS "payoutId", p.flag
    FROM payments p JOIN campaigns c ON c.id = p.campaign_id`);
  const succeeded = record.charges.filter((c) => c.status === 'succeeded');
  const failedIntents = record.sessions.filter(
    (s) => s.mode === 'payment' && s.status === 'complete' && s.payment_status === 'unpaid' &&
      record.paymentIntents.get(idOf(s.payment_intent)!)?.status === 'requires_payment_method',
  );
  const pendingIntents = record.sessions.filter(
    (s) => s.mode === 'payment' && s.status === 'complete' && s.payment_status === 'unpaid' &&
      record.paymentIntents.get(idOf(s.payment_intent)!)?.status === 'processing',
  );
  {
    const check = new Check('payments: every succeeded charge is one payment with Stripe\'s amount, refunds, dispute, fee, net, ids, payout');
    const rowsByCharge = new Map(paymentRows.filter((r) => r.chargeId).map((r) => [r.chargeId!, r]));
    for (const charge of succeeded) {
      const row = rowsByCharge.get(charge.id);
      if (!row) {
        check.fail(`charge ${charge.id} (${charge.amount} ${charge.currency}) has no payment`);
        continue;
      }
      rowsByCharge.delete(charge.id);
      const bt = record.balanceTransactions.get(idOf(charge.balance_transaction)!);
      const dispute = disputeOf.get(charge.id);
      const pledgeId = charge.metadata.pledge_id!;
      const at = (field: string) => `${charge.id} ${field}`;
      check.same(at('status'), row.status, 'succeeded');
      check.same(at('pledge'), row.pledgeId, pledgeId);
      check.same(at('campaign'), row.campaign, charge.metadata.campaign);
      check.same(at('currency'), row.currency.trim(), charge.currency);
      check.same(at('amount'), row.amount, charge.amount);
      check.same(at('covered fee'), row.coveredFee, coveredOf(pledgeId, charge.amount));
      check.same(at('refunded'), row.amountRefunded, charge.amount_refunded);
      check.same(at('dispute status'), row.disputeStatus, dispute ? disputeState(dispute.status) : 'none');
      check.same(at('disputed amount'), row.disputedAmount, dispute && !dispute.status.startsWith('warning_') ? dispute.amount : 0);
      check.same(at('fee'), int(row.fee), bt?.fee ?? null);
      check.same(at('net'), int(row.net), bt?.net ?? null);
      check.same(at('payment intent'), row.paymentIntentId, idOf(charge.payment_intent));
      check.same(at('invoice'), row.invoiceId, invoiceOfIntent.get(idOf(charge.payment_intent)!) ?? null);
      check.same(at('balance transaction'), row.balanceTransactionId, bt?.id ?? null);
      check.same(at('payout'), row.payoutId, bt ? (record.payoutOfTransaction.get(bt.id) ?? null) : null);
      check.same(at('flag'), row.flag, null);
    }
    const rest = paymentRows.filter((r) => r.status !== 'succeeded' || !r.chargeId || rowsByCharge.has(r.chargeId));
    const restByIntent = new Map(rest.map((r) => [r.paymentIntentId, r]));
    for (const s of [...failedIntents, ...pendingIntents]) {
      const pi = idOf(s.payment_intent)!;
      const row = restByIntent.get(pi);
      if (!row) {
        check.fail(`payment intent ${pi} (settled ${record.paymentIntents.get(pi)?.status}) has no payment`);
        continue;
      }
      restByIntent.delete(pi);
      const expected = failedIntents.includes(s) ? 'failed' : 'pending';
      check.same(`${pi} status`, row.status, expected);
      check.same(`${pi} amount`, row.amount, s.amount_total);
      check.same(`${pi} refunded`, row.amountRefunded, 0);
      check.same(`${pi} pledge`, row.pledgeId, s.metadata?.pledge_id);
    }
    for (const row of restByIntent.values()) {
      check.fail(`payment ${row.paymentIntentId ?? row.chargeId} (${row.status}, ${row.amount}) matches nothing at Stripe`);
    }
    check.same('payments count', paymentRows.length, succeeded.length + failedIntents.length + pendingIntents.length);
    results.push(check.result());
  }

  // --- pledges --------------------------------------------------------------------------------
  {
    const check = new Check('pledges: every Checkout Session is one pledge with Stripe\'s amount and state');
    const { rows } = await db.query<{
      id: string; status: string; amount: number; coveredFee: number; currency: string; frequency: string; sessionId: string | null;
      subscriptionId: string | null; subscriptionStatus: string | null;
    }>(`SELECT id::text, status::text, amount, covered_fee AS "coveredFee", currency, frequency::text, checkout_session_id AS "sessionId",
               stripe_subscription_id AS "subscriptionId", subscription_status AS "subscriptionStatus" FROM pledges`);
    const bySession = new Map(rows.map((r) => [r.sessionId, r]));
    for (const s of record.sessions) {
      const row = bySession.get(s.id);
      if (!row) {
        check.fail(`session ${s.id} has no pledge`);
        continue;
      }
      bySession.delete(s.id);
      const at = (f: string) => `${s.id} ${f}`;
      check.same(at('pledge id'), row.id, s.metadata?.pledge_id);
      check.same(at('amount'), row.amount, s.amount_total);
      check.same(at('covered fee'), row.coveredFee, byPledge.get(row.id)?.coveredFee);
      check.same(at('currency'), row.currency.trim(), s.currency);
      check.same(at('frequency'), row.frequency, s.mode === 'subscription' ? 'monthly' : 'once');
      let status: string;
      if (s.status === 'open') status = 'pending';
      else if (s.status === 'expired') status = 'expired';
      else if (s.mode === 'subscription') {
        const sub = record.subscriptions.get(idOf(s.subscription)!);
        status = sub?.status === 'canceled' ? 'cancelled' : 'completed';
        check.same(at('subscription'), row.subscriptionId, sub?.id);
        check.same(at('subscription status'), row.subscriptionStatus, sub?.status);
      } else {
        const pi = record.paymentIntents.get(idOf(s.payment_intent)!);
        status = pi?.status === 'requires_payment_method' ? 'failed' : 'completed';
      }
      check.same(at('status'), row.status, status);
    }
    for (const row of bySession.values()) check.fail(`pledge ${row.id} (session ${row.sessionId}) matches no Checkout Session`);
    check.same('pledges count', rows.length, record.sessions.length);
    check.same('pledges made by the run', outcomes.reduce((n, o) => n + (o.expired ? 2 : 1), 0), record.sessions.length);
    for (const o of outcomes) {
      const s = record.sessions.find((x) => x.id === o.sessionId);
      if (!s) check.fail(`donation ${o.plan.index}: session ${o.sessionId} unknown to Stripe`);
      else check.same(`donation ${o.plan.index} pledge id`, o.pledgeId, s.metadata?.pledge_id);
    }
    results.push(check.result());
  }

  // --- campaign totals ------------------------------------------------------------------------
  for (const slug of input.campaigns) {
    const check = new Check(`campaign ${slug}: raised, pending, refunded, disputed, donors, donations`);
    const expected = { raised: 0, pending: 0, refunded: 0, disputed: 0, donors: 0, donations: 0 };
    const donors = new Set<string>();
    for (const c of succeeded) {
      if (c.metadata.campaign !== slug) continue;
      const pledgeId = c.metadata.pledge_id!;
      const dispute = disputeOf.get(c.id);
      expected.raised += Math.max(c.amount - coveredOf(pledgeId, c.amount) - c.amount_refunded - withheld(dispute), 0);
      expected.refunded += c.amount_refunded;
      expected.disputed += withheld(dispute);
      expected.donations += 1;
      donors.add(pledgeId);
    }
    expected.donors = donors.size;
    for (const s of pendingIntents) {
      if (s.metadata?.campaign === slug) expected.pending += s.amount_total! - coveredOf(s.metadata.pledge_id!, s.amount_total!);
    }
    const { rows: shards } = await db.query(
      `SELECT COALESCE(sum(raised),0)::bigint AS raised, COALESCE(sum(pending),0)::bigint AS pending, COALESCE(sum(refunded),0)::bigint AS refunded,
              COALESCE(sum(disputed),0)::bigint AS disputed, COALESCE(sum(donors),0)::bigint AS donors, COALESCE(sum(donations),0)::bigint AS donations
       FROM campaign_total_shards t JOIN campaigns c ON c.id = t.campaign_id WHERE c.slug = $1`,
      [slug],
    );
    const { rows: recomputed } = await db.query(
      `SELECT COALESCE(sum((payment_contribution(p)).raised),0)::bigint AS raised, COALESCE(sum((payment_contribution(p)).pending),0)::bigint AS pending,
              COALESCE(sum((payment_contribution(p)).refunded),0)::bigint AS refunded, COALESCE(sum((payment_contribution(p)).disputed),0)::bigint AS disputed,
              COUNT(DISTINCT p.pledge_id) FILTER (WHERE p.status = 'succeeded' AND p.flag IS NULL)::bigint AS donors,
              COALESCE(sum((payment_contribution(p)).donations),0)::bigint AS donations
       FROM payments p JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = $1`,
      [slug],
    );
    for (const key of Object.keys(expected) as Array<keyof typeof expected>) {
      check.same(`totals ${key}`, Number(shards[0][key]), expected[key]);
      check.same(`payments rows ${key}`, Number(recomputed[0][key]), expected[key]);
    }
    for (const url of input.appUrls) {
      const res = await fetch(`${url}/api/campaigns/${slug}/progress`);
      const progress = (await res.json()) as Record<string, number>;
      for (const key of Object.keys(expected) as Array<keyof typeof expected>) {
        check.same(`GET ${new URL(url).port} /progress ${key}`, progress[key], expected[key]);
      }
    }
    results.push({ ...check.result(), name: `${check.name} = ${JSON.stringify(expected)}` });
  }

  // --- matched gifts --------------------------------------------------------------------------
  {
    const check = new Check('match pools: allocated = sum of allocations <= cap; each match within what Stripe says the gift still is; one turn per gift; /progress matched');
    const { rows: pools } = await db.query<{ id: string; sponsor: string; campaign: string; cap: number; allocated: number; sum: number; multiplier: number; full: boolean }>(
      `SELECT mp.id, mp.sponsor, c.slug AS campaign, mp.cap::float8 AS cap, mp.allocated::float8 AS allocated, mp.multiplier,
              (SELECT COALESCE(sum(a.amount), 0)::float8 FROM match_allocations a WHERE a.pool_id = mp.id) AS sum
       FROM match_pools mp JOIN campaigns c ON c.id = mp.campaign_id`,
    );
    const { rows: allocations } = await db.query<{ poolId: string; chargeId: string | null; invoiceId: string | null; pledgeId: string; original: number; amount: number; weight: number }>(
      `SELECT a.pool_id AS "poolId", p.stripe_charge_id AS "chargeId", p.stripe_invoice_id AS "invoiceId", p.pledge_id AS "pledgeId",
              a.original::float8 AS original, a.amount::float8 AS amount, CASE WHEN a.series IS NOT NULL AND mp.monthly = 'installments' THEN mp.monthly_installments ELSE 1 END AS weight
       FROM match_allocations a JOIN match_pools mp ON mp.id = a.pool_id JOIN payments p ON p.id = a.payment_id`,
    );
    const chargeById = new Map(succeeded.map((c) => [c.id, c]));
    // What Stripe says still stands of a gift: the charge less the fee its donor covered, refunds, a dispute not won.
    const live = (c: Stripe.Charge) => Math.max(c.amount - coveredOf(c.metadata.pledge_id!, c.amount) - c.amount_refunded - (disputeOf.get(c.id)?.status === 'lost' ? disputeOf.get(c.id)!.amount : 0), 0);
    const matchedBy = new Map<string, number>();
    for (const pool of pools) {
      check.same(`pool ${pool.sponsor}: allocated vs sum of its allocations`, pool.allocated, pool.sum);
      check.compared++;
      if (pool.allocated > pool.cap) check.fail(`pool ${pool.sponsor}: allocated ${pool.allocated} over its cap ${pool.cap}`);
      matchedBy.set(pool.campaign, (matchedBy.get(pool.campaign) ?? 0) + pool.allocated);
      const mine = allocations.filter((a) => a.poolId === pool.id);
      // A pool that never ran dry gave each gift exactly what Stripe's figures say it should.
      const exact = pool.allocated < pool.cap && pool.sponsor === 'Chaos Yen Fund';
      const turns = new Map<string, number>();
      for (const a of mine) {
        const charge = a.chargeId ? chargeById.get(a.chargeId) : undefined;
        const key = a.invoiceId ? `series ${a.pledgeId}` : `charge ${a.chargeId}`;
        if (a.invoiceId === null || a.original > 0) turns.set(key, (turns.get(key) ?? 0) + 1);
        check.compared++;
        if (a.amount > a.original) check.fail(`${pool.sponsor} ${key}: match ${a.amount} over what it first took, ${a.original}`);
        if (!charge) continue;
        const wanted = live(charge) * a.weight * pool.multiplier;
        check.compared++;
        if (a.amount > wanted) check.fail(`${pool.sponsor} ${key}: match ${a.amount} over ${wanted} (the gift as Stripe has it, times ${a.weight} x ${pool.multiplier})`);
        if (exact && !a.invoiceId) check.same(`${pool.sponsor} ${key} match`, a.amount, wanted);
      }
      for (const [key, n] of turns) if (n > 1) check.fail(`${pool.sponsor} ${key}: ${n} matches`);
      if (pool.sponsor !== 'Chaos Local Circle') {
        // Every one-time gift that succeeded had its turn (first-time rules aside), even once the pool ran dry.
        for (const c of succeeded) {
          if (c.metadata.campaign !== pool.campaign || invoiceOfIntent.has(idOf(c.payment_intent) ?? '')) continue;
          check.compared++;
          if (!turns.has(`charge ${c.id}`)) check.fail(`${pool.sponsor}: charge ${c.id} had no turn`);
        }
      }
    }
    for (const slug of input.campaigns) {
      for (const url of input.appUrls) {
        const progress = (await (await fetch(`${url}/api/campaigns/${slug}/progress`)).json()) as { matched: number };
        check.same(`GET ${new URL(url).port} /progress ${slug} matched`, progress.matched, matchedBy.get(slug) ?? 0);
      }
    }
    results.push({ ...check.result(), name: `${check.name} = ${JSON.stringify(pools.map((p) => ({ [p.sponsor]: `${p.allocated}/${p.cap}` })))}` });
  }

  // --- events ---------------------------------------------------------------------------------
  {
    const check = new Check('events: every Stripe event is in the inbox, applied (handled types) or ignored, once');
    const { rows } = await db.query<{ id: string; type: string; status: string; waitingFor: string | null; lastError: string | null }>(
      `SELECT id, type, status::text, waiting_for AS "waitingFor", last_error AS "lastError" FROM webhook_events`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const event of record.events) {
      const row = byId.get(event.id);
      if (!row) {
        check.fail(`event ${event.id} (${event.type}) lost: not in webhook_events`);
        continue;
      }
      byId.delete(event.id);
      check.same(`${event.id} type`, row.type, event.type);
      const handled = event.type in eventHandlers;
      if (row.status !== (handled ? 'processed' : 'ignored')) {
        check.fail(`event ${event.id} (${event.type}) is ${row.status}${row.waitingFor ? ` waiting for ${row.waitingFor}` : ''}${row.lastError ? `: ${row.lastError.slice(0, 200)}` : ''}`);
      }
    }
    for (const row of byId.values()) {
      if (row.id.startsWith('reconcile_')) {
        if (!['processed', 'ignored'].includes(row.status)) check.fail(`reconcile event ${row.id} is ${row.status}`);
      } else {
        check.fail(`webhook_events holds ${row.id} (${row.type}) which Stripe never sent`);
      }
    }
    check.same('inbox rows for Stripe events', rows.filter((r) => !r.id.startsWith('reconcile_')).length, record.events.length);
    results.push(check.result());
  }

  // --- payouts --------------------------------------------------------------------------------
  {
    const check = new Check('payouts: every Stripe payout recorded with its amount, status, failure and the failed money it carries');
    const { rows } = await db.query<{ id: string; amount: number; currency: string; status: string; failureCode: string | null; carried: number }>(
      'SELECT id, amount, currency, status, failure_code AS "failureCode", carried FROM payouts',
    );
    const carriedBy = new Map<string, number>();
    for (const [bt, payout] of record.payoutOfTransaction) {
      const t = record.balanceTransactions.get(bt);
      if (t && (t.type === 'payout_failure' || t.type === 'payout_cancel')) carriedBy.set(payout, (carriedBy.get(payout) ?? 0) + t.amount);
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const p of record.payouts) {
      const row = byId.get(p.id);
      if (!row) {
        check.fail(`payout ${p.id} missing`);
        continue;
      }
      byId.delete(p.id);
      check.same(`${p.id} amount`, row.amount, p.amount);
      check.same(`${p.id} currency`, row.currency.trim(), p.currency);
      check.same(`${p.id} status`, row.status, p.status);
      check.same(`${p.id} failure code`, row.failureCode, p.failure_code);
      check.same(`${p.id} carried`, row.carried, carriedBy.get(p.id) ?? 0);
    }
    for (const row of byId.values()) check.fail(`payout ${row.id} unknown to Stripe`);
    results.push(check.result());
  }

  return results;
}
