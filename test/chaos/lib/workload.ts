// The donations of the chaos run: each one a short life driven the way donors, banks and time
// drive it on Stripe. The pledge goes through the product's POST /api/pledges (either instance,
// like a load balancer; retried with the same Idempotency-Key while an instance or the database
// is down), everything after it through the emulator's own API and test helpers.
import type Stripe from 'stripe';

export type Kind =
  | 'once'
  | 'once_cover_fees'
  | 'declined_then_paid'
  | 'delayed_settled'
  | 'delayed_failed'
  | 'refund_partial'
  | 'refund_partial_then_full'
  | 'refund_full'
  | 'dispute_won'
  | 'dispute_lost'
  | 'refund_then_dispute_lost'
  | 'monthly'
  | 'monthly_failed_renewal'
  | 'monthly_cancelled'
  | 'expired_then_retried'
  | 'bank_refund_failed'
  | 'bank_refund_pending'
  | 'dispute_reviewed_won'
  | 'inquiry_closed'
  | 'monthly_dunning_recovered'
  | 'monthly_dunning_unpaid'
  | 'monthly_dunning_canceled';

/** Share of each kind, in percent (sums to 100). */
export const MIX: Array<[Kind, number]> = [
  ['once', 23],
  ['dispute_reviewed_won', 1],
  ['inquiry_closed', 1],
  ['bank_refund_failed', 2],
  ['bank_refund_pending', 1],
  ['expired_then_retried', 2],
  ['once_cover_fees', 8],
  ['declined_then_paid', 2],
  ['delayed_settled', 10],
  ['delayed_failed', 5],
  ['refund_partial', 7],
  ['refund_partial_then_full', 3],
  ['refund_full', 5],
  ['dispute_won', 4],
  ['dispute_lost', 4],
  ['refund_then_dispute_lost', 1],
  ['monthly', 12],
  ['monthly_failed_renewal', 2],
  ['monthly_dunning_recovered', 1],
  ['monthly_dunning_unpaid', 1],
  ['monthly_cancelled', 4],
  ['monthly_dunning_canceled', 1],
];

export interface CampaignSpec {
  slug: string;
  currency: string;
  /** Smallest and largest gift, minor units. */
  range: [number, number];
  share: number;
}

export interface Plan {
  index: number;
  kind: Kind;
  campaign: CampaignSpec;
  /** What the donor means to give (minor units), before any fee they cover. */
  intended: number;
  coverFees: boolean;
  renewals: number;
  idempotencyKey: string;
}

export interface Outcome {
  plan: Plan;
  pledgeId: string;
  sessionId: string;
  /** Gross charged per payment: the intended gift plus the covered fee. */
  gross: number;
  coveredFee: number;
  pledgeAttempts: number;
  stripeCalls: number;
  /** An earlier attempt of the same donation whose Checkout Session expired (its pledge stays expired). */
  expired?: { pledgeId: string; sessionId: string };
}

/** A small seeded generator (mulberry32), so a failing run can be repeated with CHAOS_SEED. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makePlans(count: number, campaigns: CampaignSpec[], random: () => number, runId: string): Plan[] {
  // Exact shares (not sampled), shuffled: every kind is present in the stated proportion.
  const kinds: Kind[] = [];
  for (const [kind, pct] of MIX) for (let i = 0; i < Math.round((count * pct) / 100); i++) kinds.push(kind);
  while (kinds.length < count) kinds.push('once');
  kinds.length = count;
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const totalShare = campaigns.reduce((s, c) => s + c.share, 0);
  return kinds.map((kind, index) => {
    let pick = random() * totalShare;
    const campaign = campaigns.find((c) => (pick -= c.share) < 0) ?? campaigns[0]!;
    const [min, max] = campaign.range;
    const intended = min + Math.floor(random() * (max - min + 1));
    return {
      index,
      kind,
      campaign,
      intended,
      coverFees: kind === 'once_cover_fees' || (kind !== 'once' && random() < 0.15),
      renewals: kind === 'monthly' ? 1 + Math.floor(random() * 3) : kind.startsWith('monthly_') ? 1 : 0,
      idempotencyKey: `chaos-${runId}-${index}`,
    };
  });
}

export interface Driver {
  appUrls: () => string[];
  stripe: Stripe;
  /** Counts retries of pledge creation by reason. */
  onPledgeRetry: (reason: string) => void;
}

const PLEDGE_DEADLINE_MS = 120_000;

async function createPledge(d: Driver, plan: Plan): Promise<{ id: string; checkoutSessionId: string; attempts: number }> {
  const body = JSON.stringify({
    campaign: plan.campaign.slug,
    amount: plan.intended,
    currency: plan.campaign.currency,
    frequency: plan.kind.startsWith('monthly') ? 'monthly' : 'once',
    email: `donor${plan.index}@example.org`,
    name: plan.index % 7 === 0 ? undefined : `Donor ${plan.index}`,
    anonymous: plan.index % 11 === 0,
    coverFees: plan.coverFees,
  });
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const urls = d.appUrls();
    const url = urls[(plan.index + attempt - 1) % urls.length]!;
    let reason: string;
    try {
      const res = await fetch(`${url}/api/pledges`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': plan.idempotencyKey },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      const json = (await res.json().catch(() => ({}))) as { id?: string; checkoutSessionId?: string; error?: { code?: string } };
      if (res.status === 201 || res.status === 200) return { id: json.id!, checkoutSessionId: json.checkoutSessionId!, attempts: attempt };
      if (res.status < 500 && res.status !== 429) throw new Error(`pledge ${plan.index}: HTTP ${res.status} ${JSON.stringify(json)}`);
      reason = `HTTP ${res.status} ${json.error?.code ?? ''}`.trim();
    } catch (error) {
      if ((error as Error).message.startsWith(`pledge ${plan.index}:`)) throw error;
      reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    }
    d.onPledgeRetry(reason);
    if (Date.now() - started > PLEDGE_DEADLINE_MS) throw new Error(`pledge ${plan.index}: still failing after ${attempt} attempts (${reason})`);
    await new Promise((r) => setTimeout(r, Math.min(100 * attempt, 1_000)));
  }
}

// The expiry reaches the service through the delivery queue, which runs minutes behind the
// donations at full load (every event 2-3 times, 16 at once): the donor waits that long.
const EXPIRY_NOTICE_DEADLINE_MS = 600_000;

/**
 * The donor's session expires and they post the same form again: once the service has heard of
 * the expiry (the webhook may be late, an instance down), the same key makes a new pledge.
 */
async function retryAfterExpiry(d: Driver, plan: Plan, expiredSession: string): Promise<{ id: string; checkoutSessionId: string; attempts: number }> {
  const started = Date.now();
  for (;;) {
    const again = await createPledge(d, plan);
    if (again.checkoutSessionId !== expiredSession) return again;
    if (Date.now() - started > EXPIRY_NOTICE_DEADLINE_MS) throw new Error(`pledge ${plan.index}: still replaying expired session ${expiredSession}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Drives one donation's life; returns what the run must remember to check the product later. */
export async function runDonation(d: Driver, plan: Plan): Promise<Outcome> {
  const { stripe } = d;
  let calls = 0;
  const helper = async <T = Record<string, unknown>>(path: string, params: Record<string, unknown> = {}): Promise<T> => {
    calls++;
    return (await stripe.rawRequest('POST', path, params)) as unknown as T;
  };
  let pledge = await createPledge(d, plan);
  let expired: Outcome['expired'];
  if (plan.kind === 'expired_then_retried') {
    await helper(`/v1/test_helpers/checkout/sessions/${pledge.checkoutSessionId}/expire`);
    expired = { pledgeId: pledge.id, sessionId: pledge.checkoutSessionId };
    pledge = await retryAfterExpiry(d, plan, pledge.checkoutSessionId);
  }
  const session = pledge.checkoutSessionId;
  const pay = (outcome: 'succeeded' | 'delayed' | 'failed' = 'succeeded') =>
    helper<Stripe.Checkout.Session>(`/v1/test_helpers/checkout/sessions/${session}/pay`, { outcome });
  const chargeOfSession = async (): Promise<Stripe.Charge> => {
    calls++;
    const s = await stripe.checkout.sessions.retrieve(session, { expand: ['payment_intent.latest_charge'] });
    return (s.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
  };

  let gross: number;
  switch (plan.kind) {
    case 'declined_then_paid': {
      try {
        await pay('failed');
        throw new Error(`donation ${plan.index}: a declined card was accepted`);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 402) throw error;
      }
      gross = (await pay()).amount_total!;
      break;
    }
    case 'delayed_settled':
    case 'delayed_failed': {
      gross = (await pay('delayed')).amount_total!;
      await helper(`/v1/test_helpers/checkout/sessions/${session}/settle`, {
        outcome: plan.kind === 'delayed_settled' ? 'succeeded' : 'failed',
      });
      break;
    }
    case 'bank_refund_failed':
    case 'bank_refund_pending': {
      // A bank-debit refund is pending for days; this one fails (or is still pending at the end).
      gross = (await pay('delayed')).amount_total!;
      await helper(`/v1/test_helpers/checkout/sessions/${session}/settle`, { outcome: 'succeeded' });
      const charge = await chargeOfSession();
      calls++;
      const refund = await stripe.refunds.create({ charge: charge.id, amount: Math.max(1, Math.floor(charge.amount / 2)) });
      if (plan.kind === 'bank_refund_failed') await helper(`/v1/test_helpers/refunds/${refund.id}/settle`, { outcome: 'failed' });
      break;
    }
    case 'monthly':
    case 'monthly_failed_renewal':
    case 'monthly_cancelled':
    case 'monthly_dunning_recovered':
    case 'monthly_dunning_unpaid':
    case 'monthly_dunning_canceled': {
      const paid = await pay();
      gross = paid.amount_total!;
      const subscription = paid.subscription as string;
      for (let i = 0; i < plan.renewals; i++) await helper(`/v1/test_helpers/subscriptions/${subscription}/renew`);
      if (plan.kind === 'monthly_failed_renewal') {
        await helper(`/v1/test_helpers/subscriptions/${subscription}/renew`, { outcome: 'failed' });
      }
      if (plan.kind.startsWith('monthly_dunning_')) {
        // Declined, then Smart Retries: one needing the donor, then paid, or failing until the
        // retry settings make the subscription unpaid or cancel it.
        const invoice = await helper<Stripe.Invoice>(`/v1/test_helpers/subscriptions/${subscription}/renew`, { outcome: 'failed' });
        const retry = (params: Record<string, unknown>) => helper(`/v1/test_helpers/invoices/${invoice.id}/retry`, params);
        if (plan.kind === 'monthly_dunning_recovered') {
          await retry({ outcome: 'action_required' });
          await retry({ outcome: 'succeeded' });
        } else {
          await retry({ outcome: 'failed', max_attempts: 2, when_exhausted: plan.kind === 'monthly_dunning_unpaid' ? 'unpaid' : 'canceled' });
        }
      }
      if (plan.kind === 'monthly_cancelled') {
        calls++;
        await stripe.subscriptions.cancel(subscription);
      }
      break;
    }
    default: {
      gross = (await pay()).amount_total!;
      if (plan.kind === 'once' || plan.kind === 'once_cover_fees') break;
      const charge = await chargeOfSession();
      const partial = Math.max(1, Math.floor(charge.amount / 3));
      if (plan.kind === 'refund_partial' || plan.kind === 'refund_partial_then_full' || plan.kind === 'refund_then_dispute_lost') {
        calls++;
        await stripe.refunds.create({ charge: charge.id, amount: partial });
      }
      if (plan.kind === 'refund_partial_then_full' || plan.kind === 'refund_full') {
        calls++;
        await stripe.refunds.create({ charge: charge.id });
      }
      if (plan.kind === 'dispute_reviewed_won' || plan.kind === 'inquiry_closed') {
        const path = plan.kind === 'inquiry_closed' ? 'inquiry' : 'dispute';
        const dispute = await helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/${path}`);
        calls++;
        await stripe.disputes.update(dispute.id, { evidence: { uncategorized_text: `donation ${plan.index}` }, submit: true });
        await helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: 'won' });
      }
      if (plan.kind === 'dispute_won' || plan.kind === 'dispute_lost' || plan.kind === 'refund_then_dispute_lost') {
        const dispute = await helper<Stripe.Dispute>(`/v1/test_helpers/charges/${charge.id}/dispute`);
        await helper(`/v1/test_helpers/disputes/${dispute.id}/close`, { outcome: plan.kind === 'dispute_won' ? 'won' : 'lost' });
      }
    }
  }
  return {
    plan,
    pledgeId: pledge.id,
    sessionId: session,
    gross,
    coveredFee: plan.coverFees ? gross - plan.intended : 0,
    pledgeAttempts: pledge.attempts,
    stripeCalls: calls,
    ...(expired ? { expired } : {}),
  };
}
