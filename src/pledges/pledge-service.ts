// Pledge rules: what a donor may give, and turning a pledge into a Checkout Session exactly once
// whatever the donor (double clicks), the network (retries) or Stripe (outages) does.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { isOpen, type Campaign } from '../campaigns/campaign.ts';
import type { CampaignRepository } from '../campaigns/campaign-repository.ts';
import { AppError } from '../http/app-error.ts';
import type { Metrics } from '../metrics/metrics.ts';
import {
  decimalsOf, formatMoney, isChargeableAmount, minimumChargeOf, STRIPE_MAX_AMOUNT,
} from '../money/currency.ts';
import { grossUpForFees, type FeeModel } from '../money/fees.ts';
import type { CheckoutGateway } from '../stripe/checkout-gateway.ts';
import { attemptIsOver, sessionExpiresAt } from './expired-attempt.ts';
import { donationReference, nextMonthlyCharge, type Pledge } from './pledge.ts';
import type { PledgeRepository } from './pledge-repository.ts';
import type { PledgeRequest } from './pledge-schemas.ts';

/** What stands between a pledge and Stripe: the global card-testing budget and a bounded lane. */
export interface CheckoutGate {
  /** Runs `work` (which calls Stripe) if the budget allows this client an attempt; else throws a 429. */
  enter<T>(clientAddress: string | undefined, work: () => Promise<T>): Promise<T>;
}

export interface PledgeServiceDeps {
  pledges: PledgeRepository;
  campaigns: CampaignRepository;
  checkout: CheckoutGateway;
  gate: CheckoutGate;
  logger: Logger;
  publicUrl: string;
  maxAmountMajor: number;
  feeModel: FeeModel;
  checkoutExpiryMinutes: number;
  clock?: () => Date;
  metrics?: Pick<Metrics, 'pledgeCreated'>;
}

export interface CreatedPledge {
  id: string;
  status: Pledge['status'];
  checkoutUrl: string;
  checkoutSessionId: string;
}

/** What the thank-you page tells a donor: the state, and the money as it really stands. */
export interface DonationStatus {
  /** `flagged`: Stripe charged other than what was pledged, so it is not counted until staff check. */
  state: 'paid' | 'processing' | 'pending' | 'failed' | 'flagged' | 'unknown';
  reference?: string;
  /** What the donor chose to give, the processing fee they chose to cover, and the two together. */
  gift?: number;
  coveredFee?: number;
  total?: number;
  /** For `flagged`: what Stripe reports it really charged, in its currency. */
  received?: { amount: number; currency: string };
  currency?: string;
  frequency?: 'once' | 'monthly';
  /** A monthly gift that is running: the day its next payment is taken. */
  nextChargeOn?: Date;
  campaignSlug?: string;
  campaignTitle?: string;
  campaignTimezone?: string;
}

export interface Supporter {
  name: string;
  message: string | null;
  dedication: string | null;
}

export interface PledgeContext {
  idempotencyKey?: string;
  clientAddress?: string;
}

// Stripe wants a session to stay open at least 30 minutes; leave margin for the call itself.
const MIN_SESSION_LIFETIME_MS = 35 * 60_000;

export function createPledgeService(deps: PledgeServiceDeps) {
  const now = deps.clock ?? (() => new Date());

  async function openCampaign(slug: string): Promise<Campaign> {
    const campaign = await deps.campaigns.findBySlug(slug);
    if (!campaign) throw fieldError('campaign', `There is no campaign '${slug}'`);
    const at = now();
    if (!isOpen(campaign, at)) {
      const message =
        at < campaign.startsAt
          ? `This campaign opens for donations on ${campaign.startsAt.toISOString()}`
          : `This campaign closed for donations on ${campaign.endsAt.toISOString()}`;
      throw fieldError('campaign', message);
    }
    return campaign;
  }

  function limitsFor(currency: string) {
    return {
      min: minimumChargeOf(currency),
      max: Math.min(deps.maxAmountMajor * 10 ** decimalsOf(currency), STRIPE_MAX_AMOUNT),
      feeBps: deps.feeModel.percentBps,
      feeFixed: deps.feeModel.fixed,
    };
  }

  function checkAmount(request: PledgeRequest, campaign: Campaign): { amount: number; coveredFee: number } {
    if (request.currency !== campaign.currency) {
      throw fieldError('currency', `This campaign takes ${campaign.currency.toUpperCase()}`);
    }
    const { currency } = campaign;
    const { min: minimum, max: maximum } = limitsFor(currency);
    if (!isChargeableAmount(request.amount, currency)) {
      throw fieldError('amount', `is not an amount ${currency.toUpperCase()} can be charged in`);
    }
    if (request.amount < minimum) throw fieldError('amount', `must be at least ${formatMoney(minimum, currency)}`);
    if (request.amount > maximum) throw fieldError('amount', `must be at most ${formatMoney(maximum, currency)}`);
    if (!request.coverFees) return { amount: request.amount, coveredFee: 0 };
    const { gross, coveredFee } = grossUpForFees(request.amount, deps.feeModel);
    // Three-decimal currencies charge in tens of their minor unit: round the donor's extra up.
    const chargeable = decimalsOf(currency) === 3 ? Math.ceil(gross / 10) * 10 : gross;
    if (chargeable > STRIPE_MAX_AMOUNT) throw fieldError('amount', 'is too large to cover the fee on');
    return { amount: chargeable, coveredFee: coveredFee + (chargeable - gross) };
  }

  async function checkoutFor(pledge: Pledge, campaign: Campaign): Promise<CreatedPledge> {
    // Every parameter of the Stripe call derives from the pledge, so a retry of the same pledge
    // (same idempotency key) sends the same body and Stripe returns the same session.
    const expiresAt = sessionExpiresAt(pledge, deps.checkoutExpiryMinutes);
    if (expiresAt.getTime() - now().getTime() < MIN_SESSION_LIFETIME_MS) {
      throw new AppError(409, 'pledge_expired', 'This donation attempt is too old to resume; please start a new one.');
    }
    const cancel = new URL(`${deps.publicUrl}/donate/cancelled`);
    cancel.searchParams.set('campaign', campaign.slug);
    cancel.searchParams.set('amount', String(pledge.amount - pledge.coveredFee));
    cancel.searchParams.set('frequency', pledge.frequency);
    try {
      const session = await deps.checkout.createCheckoutSession({
        pledgeId: pledge.id,
        campaignSlug: campaign.slug,
        campaignTitle: campaign.title,
        amount: pledge.amount,
        currency: pledge.currency,
        frequency: pledge.frequency,
        email: pledge.email,
        successUrl: `${deps.publicUrl}/donate/thanks?session_id={CHECKOUT_SESSION_ID}`,
        cancelUrl: cancel.toString(),
        expiresAt,
        idempotencyKey: `pledge-checkout-${pledge.id}`,
      });
      const saved = await deps.pledges.attachCheckoutSession(pledge.id, session);
      return { id: saved.id, status: saved.status, checkoutUrl: session.url, checkoutSessionId: session.id };
    } catch (error) {
      if (error instanceof AppError && error.status >= 500) {
        deps.logger.warn({ pledgeId: pledge.id, code: error.code }, 'checkout session could not be created');
        await deps.pledges.markCheckoutFailed(pledge.id);
      }
      throw error;
    }
  }

  return {
    limitsFor,

    async recentSupporters(campaignId: string, limit = 10): Promise<Supporter[]> {
      const rows = await deps.pledges.recentSupporters(campaignId, limit);
      return rows.map((r) => ({ name: r.name!, message: r.message, dedication: r.dedication }));
    },

    /** What the donor coming back from Checkout should be told. */
    async donationState(checkoutSessionId: string): Promise<DonationStatus> {
      const pledge = await deps.pledges.findWithPaymentStatesBySessionId(checkoutSessionId);
      if (!pledge) return { state: 'unknown' };
      const succeeded = pledge.payments.filter((p) => p.status === 'succeeded');
      const flagged = succeeded.find((p) => p.flag !== null);
      const state: DonationStatus['state'] = flagged
        ? 'flagged'
        : succeeded.length
          ? 'paid'
          : pledge.payments.some((p) => p.status === 'pending')
            ? 'processing'
            : pledge.payments.some((p) => p.status === 'failed') || pledge.status === 'failed'
              ? 'failed'
              : pledge.status === 'expired'
                ? 'unknown'
                : 'pending';
      const running = pledge.frequency === 'monthly' && state === 'paid' && pledge.subscriptionStatus === 'active';
      return {
        state,
        reference: donationReference(pledge.id),
        gift: pledge.amount - pledge.coveredFee,
        coveredFee: pledge.coveredFee,
        total: pledge.amount,
        ...(flagged ? { received: { amount: flagged.amount, currency: flagged.currency } } : {}),
        currency: pledge.currency,
        frequency: pledge.frequency,
        ...(running && pledge.subscriptionStatusAt ? { nextChargeOn: nextMonthlyCharge(pledge.subscriptionStatusAt) } : {}),
        campaignSlug: pledge.campaign.slug,
        campaignTitle: pledge.campaign.title,
        campaignTimezone: pledge.campaign.timezone,
      };
    },

    async create(request: PledgeRequest, context: PledgeContext = {}): Promise<{ pledge: CreatedPledge; replayed: boolean }> {
      const requestHash = hashRequest(request);
      if (context.idempotencyKey) {
        const existing = await deps.pledges.findByIdempotencyKey(context.idempotencyKey);
        if (existing && !(await startingAgain(existing, requestHash))) {
          return { pledge: await resume(existing, requestHash, context), replayed: true };
        }
      }
      const campaign = await openCampaign(request.campaign);
      const { amount, coveredFee } = checkAmount(request, campaign);
      // Everything refusable is refused above; what is left will call Stripe.
      const started = await deps.gate.enter(context.clientAddress, async (): Promise<{ existing: Pledge } | { created: CreatedPledge }> => {
        const { pledge, created } = await deps.pledges.insertOrFindByKey({
          campaignId: campaign.id,
          amount,
          coveredFee,
          currency: campaign.currency,
          frequency: request.frequency,
          coverFees: request.coverFees,
          email: request.email,
          name: request.name ?? null,
          anonymous: request.anonymous,
          message: request.message ?? null,
          dedication: request.dedication ?? null,
          idempotencyKey: context.idempotencyKey ?? null,
          requestHash,
        });
        if (!created) return { existing: pledge };
        deps.logger.info(
          {
            pledgeId: pledge.id, campaign: campaign.slug, amount, currency: campaign.currency, frequency: request.frequency,
            clientAddress: context.clientAddress, emailDomain: request.email.split('@')[1],
          },
          'pledge created',
        );
        const withSession = await checkoutFor(pledge, campaign);
        deps.metrics?.pledgeCreated(pledge.frequency);
        return { created: withSession };
      });
      // The same key won a race with a concurrent request: answer as a replay (outside the lane).
      if ('existing' in started) return { pledge: await resume(started.existing, requestHash, context), replayed: true };
      return { pledge: started.created, replayed: false };
    },
  };

  /** The same request after its session expired: the key is freed for a new pledge (see expired-attempt.ts). */
  async function startingAgain(pledge: Pledge, requestHash: string): Promise<boolean> {
    if (pledge.requestHash !== requestHash || !attemptIsOver(pledge, now(), deps.checkoutExpiryMinutes)) return false;
    await deps.pledges.releaseIdempotencyKey(pledge.id);
    deps.logger.info({ pledgeId: pledge.id }, 'checkout session expired: the retry starts a new pledge');
    return true;
  }

  /** The same Idempotency-Key again: the same answer, or a 409 if the body changed. */
  async function resume(pledge: Pledge, requestHash: string, context: PledgeContext): Promise<CreatedPledge> {
    if (pledge.requestHash !== requestHash) {
      throw AppError.conflict('This Idempotency-Key was already used with a different request');
    }
    if (pledge.checkoutSessionId && pledge.checkoutUrl) {
      return { id: pledge.id, status: pledge.status, checkoutUrl: pledge.checkoutUrl, checkoutSessionId: pledge.checkoutSessionId };
    }
    const campaign = await deps.campaigns.findById(pledge.campaignId);
    if (!campaign) throw AppError.notFound('Campaign');
    // A retry after Stripe failed calls Stripe again.
    return deps.gate.enter(context.clientAddress, () => checkoutFor(pledge, campaign));
  }
}

export function fieldError(field: string, message: string): AppError {
  return AppError.validation([{ field, message }], `Invalid ${field}: ${message}`);
}

function hashRequest(request: PledgeRequest): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(request).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex');
}

export type PledgeService = ReturnType<typeof createPledgeService>;
