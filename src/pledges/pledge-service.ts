// Pledge rules: what a donor may give, and turning a pledge into a Checkout Session exactly once
// whatever the donor (double clicks), the network (retries) or Stripe (outages) does.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { isOpen, type Campaign } from '../campaigns/campaign.ts';
import type { CampaignRepository } from '../campaigns/campaign-repository.ts';
import { Conflict, issuesToDetails, NotFound, PaymentProviderError, ValidationFailed, type ErrorDetail } from '../errors.ts';
import type { Metrics } from '../metrics/metrics.ts';
import {
  decimalsOf, formatMoney, isChargeableAmount, minimumChargeOf, STRIPE_MAX_AMOUNT,
} from '../money/currency.ts';
import { grossUpForFees, type FeeModel } from '../money/fees.ts';
import type { CheckoutGateway } from './checkout-gateway.ts';
import { attemptIsOver, sessionExpiresAt } from './expired-attempt.ts';
import { donationReference, nextMonthlyCharge, type Pledge } from './pledge.ts';
import type { PledgeRepository } from './pledge-repository.ts';
import { campaignSlug, currencyCode, pledgeRequestSchema, type PledgeRequest } from './pledge-schemas.ts';

/** What stands between a pledge and Stripe: the global card-testing budget and a bounded lane. */
export interface CheckoutGate {
  /** Runs `work` (which calls Stripe) if the budget allows this client an attempt; else throws a 429. */
  enter<T>(clientAddress: string | undefined, work: () => Promise<T>): Promise<T>;
}

/** The daily digest's sign-up (src/digest), for the donation form's "Send me the daily digest" box. */
export interface DigestSignUps {
  signUp(s: { email: string; name?: string; source: 'donation_form'; ip?: string }): Promise<void>;
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
  digest?: DigestSignUps;
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
  /** "$25" or "$10 a month": only when the donor allowed it. */
  amount: string | null;
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

  /** The campaign a pledge names, if it takes donations now; else the field's problem. */
  async function openCampaign(slug: string): Promise<{ campaign: Campaign } | { problem: ErrorDetail }> {
    const campaign = await deps.campaigns.findBySlug(slug);
    if (!campaign) return { problem: { field: 'campaign', message: `There is no campaign '${slug}'` } };
    const at = now();
    if (!isOpen(campaign, at)) {
      const message =
        at < campaign.startsAt
          ? `This campaign opens for donations on ${campaign.startsAt.toISOString()}`
          : `This campaign closed for donations on ${campaign.endsAt.toISOString()}`;
      return { problem: { field: 'campaign', message } };
    }
    return { campaign };
  }

  function limitsFor(currency: string) {
    return {
      min: minimumChargeOf(currency),
      max: Math.min(deps.maxAmountMajor * 10 ** decimalsOf(currency), STRIPE_MAX_AMOUNT),
      feeBps: deps.feeModel.percentBps,
      feeFixed: deps.feeModel.fixed,
    };
  }

  /** What is charged for a request to this campaign (the gift, grossed up if the donor covers the fee), or the field's problem. */
  function chargeFor(
    request: Pick<PledgeRequest, 'amount' | 'currency' | 'coverFees'>,
    campaign: Campaign,
  ): { amount: number; coveredFee: number } | { problem: ErrorDetail } {
    const problem = (field: string, message: string) => ({ problem: { field, message } });
    if (request.currency !== campaign.currency) return problem('currency', `This campaign takes ${campaign.currency.toUpperCase()}`);
    const { currency } = campaign;
    const { min: minimum, max: maximum } = limitsFor(currency);
    if (!isChargeableAmount(request.amount, currency)) return problem('amount', `is not an amount ${currency.toUpperCase()} can be charged in`);
    if (request.amount < minimum) return problem('amount', `must be at least ${formatMoney(minimum, currency)}`);
    if (request.amount > maximum) return problem('amount', `must be at most ${formatMoney(maximum, currency)}`);
    if (!request.coverFees) return { amount: request.amount, coveredFee: 0 };
    const { gross, coveredFee } = grossUpForFees(request.amount, deps.feeModel);
    // Three-decimal currencies charge in tens of their minor unit: round the donor's extra up.
    const chargeable = decimalsOf(currency) === 3 ? Math.ceil(gross / 10) * 10 : gross;
    if (chargeable > STRIPE_MAX_AMOUNT) return problem('amount', 'is too large to cover the fee on');
    return { amount: chargeable, coveredFee: coveredFee + (chargeable - gross) };
  }

  /**
   * The campaign's and the amount's problems with a request whose shape may be wrong elsewhere,
   * judged from whatever parts of it are well-formed: a donor fixes every field in one go.
   */
  async function ruleProblems(input: unknown): Promise<ErrorDetail[]> {
    const raw = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
    const slug = campaignSlug.safeParse(raw.campaign);
    if (!slug.success) return [];
    const open = await openCampaign(slug.data);
    if ('problem' in open) return [open.problem];
    const currency = currencyCode.safeParse(raw.currency);
    const amount = raw.amount;
    if (!currency.success || typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return [];
    const charge = chargeFor({ amount, currency: currency.data, coverFees: raw.coverFees === true }, open.campaign);
    return 'problem' in charge ? [charge.problem] : [];
  }

  /** The request, well-formed, or every problem with it at once (ValidationFailed). */
  async function parse(input: unknown): Promise<PledgeRequest> {
    const parsed = pledgeRequestSchema.safeParse(input);
    if (parsed.success) return parsed.data;
    throw new ValidationFailed([...issuesToDetails(parsed.error.issues), ...(await ruleProblems(input))]);
  }

  /** The campaign and the charge of a well-formed request, or its one problem (ValidationFailed). */
  async function admit(request: PledgeRequest): Promise<{ campaign: Campaign; amount: number; coveredFee: number }> {
    const open = await openCampaign(request.campaign);
    if ('problem' in open) throw refusal(open.problem);
    const charge = chargeFor(request, open.campaign);
    if ('problem' in charge) throw refusal(charge.problem);
    return { campaign: open.campaign, ...charge };
  }

  async function checkoutFor(pledge: Pledge, campaign: Campaign): Promise<CreatedPledge> {
    // Every parameter of the Stripe call derives from the pledge, so a retry of the same pledge
    // (same idempotency key) sends the same body and Stripe returns the same session.
    const expiresAt = sessionExpiresAt(pledge, deps.checkoutExpiryMinutes);
    if (expiresAt.getTime() - now().getTime() < MIN_SESSION_LIFETIME_MS) {
      throw new Conflict('This donation attempt is too old to resume; please start a new one.', 'pledge_expired');
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
      // Stripe failed to make the session (down, refusing, answering nonsense): the pledge has
      // none, and says so until a retry with its key makes one.
      if (error instanceof PaymentProviderError) {
        deps.logger.warn({ pledgeId: pledge.id, code: error.code }, 'checkout session could not be created');
        await deps.pledges.markCheckoutFailed(pledge.id);
      }
      throw error;
    }
  }

  return {
    limitsFor,

    /**
     * Every problem with a pledge request, by field, without making it: for a form that has
     * problems of its own (an amount it could not read) and shows them all together.
     */
    async problems(input: unknown): Promise<ErrorDetail[]> {
      try {
        await admit(await parse(input));
        return [];
      } catch (error) {
        if (error instanceof ValidationFailed) return error.details;
        throw error;
      }
    },

    async recentSupporters(campaignId: string, limit = 10): Promise<Supporter[]> {
      const rows = await deps.pledges.recentSupporters(campaignId, limit);
      // Anonymous (or nameless) gifts are listed too, under "Anonymous": the gift and its message
      // are the donor's to share, their name is not.
      return rows.map((r) => ({
        name: r.anonymous || !r.name ? 'Anonymous' : r.name,
        // What they chose to give, not the fee they covered on top.
        amount: r.showAmount ? `${formatMoney(r.amount - r.coveredFee, r.currency)}${r.frequency === 'monthly' ? ' a month' : ''}` : null,
        message: r.message,
        dedication: r.dedication,
      }));
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

    /**
     * Makes a pledge and its Checkout Session from a request as the donor sent it (the API's JSON,
     * or the form's fields with the amount in minor units). Bad input: ValidationFailed naming
     * every field that failed, nothing written.
     */
    async create(input: unknown, context: PledgeContext = {}): Promise<{ pledge: CreatedPledge; replayed: boolean }> {
      const request = await parse(input);
      const requestHash = hashRequest(request);
      if (context.idempotencyKey) {
        const existing = await deps.pledges.findByIdempotencyKey(context.idempotencyKey);
        if (existing && !(await startingAgain(existing, requestHash))) {
          const pledge = await resume(existing, requestHash, context);
          // A retry after Stripe failed the first time: the box was ticked on this very request too.
          await signUpForDigest(request, context);
          return { pledge, replayed: true };
        }
      }
      const { campaign, amount, coveredFee } = await admit(request);
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
          showAmount: request.showAmount ?? false,
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
      const result = 'existing' in started
        ? { pledge: await resume(started.existing, requestHash, context), replayed: true }
        : { pledge: started.created, replayed: false };
      await signUpForDigest(request, context);
      return result;
    },
  };

  /**
   * The "Send me the daily digest" box, once the pledge has its session: a sign-up whose
   * confirmation email goes through the outbox. It never fails the donation; a repeat (a replayed
   * request) sends no second email within the hour.
   */
  async function signUpForDigest(request: PledgeRequest, context: PledgeContext): Promise<void> {
    if (!request.digest || !deps.digest) return;
    try {
      await deps.digest.signUp({ email: request.email, name: request.name, source: 'donation_form', ip: context.clientAddress });
    } catch (error) {
      deps.logger.error({ err: error }, 'digest sign-up from the donation form failed (the donation went on)');
    }
  }

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
      throw new Conflict('This Idempotency-Key was already used with a different request');
    }
    if (pledge.checkoutSessionId && pledge.checkoutUrl) {
      return { id: pledge.id, status: pledge.status, checkoutUrl: pledge.checkoutUrl, checkoutSessionId: pledge.checkoutSessionId };
    }
    const campaign = await deps.campaigns.findById(pledge.campaignId);
    if (!campaign) throw new NotFound('Campaign');
    // A retry after Stripe failed calls Stripe again.
    return deps.gate.enter(context.clientAddress, () => checkoutFor(pledge, campaign));
  }
}

function refusal(problem: ErrorDetail): ValidationFailed {
  return ValidationFailed.field(problem.field ?? 'request', problem.message);
}

function hashRequest(request: PledgeRequest): string {
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(request).sort(([a], [b]) => a.localeCompare(b))));
  return createHash('sha256').update(canonical).digest('hex');
}

export type PledgeService = ReturnType<typeof createPledgeService>;
