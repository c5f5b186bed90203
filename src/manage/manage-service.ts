// The rules of self-service: a link opens one donor's own gifts; each change is checked against
// that donor and that gift, then asked of Stripe. The pledge itself changes when Stripe's event
// comes back through the webhook inbox (exactly once, in any order), never here.
import type { OrgConfig } from '../config.ts';
import { Conflict, LinkRefused, NotFound, ValidationFailed } from '../errors.ts';
import { enqueueEmail } from '../email/outbox-repository.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { grossUpForFees, type FeeModel } from '../money/fees.ts';
import { isChargeableAmount, minimumChargeOf, parseMajorAmount, formatMoney, decimalsOf } from '../money/currency.ts';
import type { ManageLinks } from './manage-links.ts';
import { REQUESTED_LINK_HOURS } from './manage-links.ts';
import { renderManageLinkEmail } from './manage-email.ts';
import type { DonorGift } from './manage.ts';
import type { SubscriptionGateway } from './subscription-gateway.ts';
import type { ManageRepository } from './manage-repository.ts';

export interface ManageDeps {
  repository: ManageRepository;
  client: Prisma.TransactionClient;
  links: ManageLinks;
  gateway: SubscriptionGateway;
  org: OrgConfig;
  domain: string;
  publicUrl: string;
  feeModel: FeeModel;
  maxAmountMajor: number;
  emailEnabled: boolean;
  clock?: () => Date;
}

export type ManageAction = 'pause' | 'resume' | 'cancel';

export function createManageService(deps: ManageDeps) {
  const now = deps.clock ?? (() => new Date());

  async function donorOf(token: string): Promise<string> {
    const check = await deps.links.check(token);
    if (check.ok) return check.email;
    if (check.reason === 'expired') throw new LinkRefused(true, 'This link has expired. Ask for a new one below.');
    throw new LinkRefused(false, 'This link is not valid. Ask for a new one below.');
  }

  /** The donor's own running monthly gift, or a 404 that says nothing about anyone else's. */
  async function ownMonthly(email: string, pledgeId: string): Promise<DonorGift & { stripeSubscriptionId: string }> {
    const gift = (await deps.repository.giftsOf(email)).find((g) => g.id === pledgeId);
    if (!gift || gift.frequency !== 'monthly' || !gift.stripeSubscriptionId) throw new NotFound('Monthly gift');
    if (gift.status === 'cancelled' || gift.subscriptionStatus === 'canceled') throw new Conflict('This monthly gift has been cancelled.');
    return gift as DonorGift & { stripeSubscriptionId: string };
  }

  return {
    /** The same answer whatever the address: a link goes only to a known donor, at most one an hour. */
    async requestLink(email: string): Promise<void> {
      if (!deps.emailEnabled || !(await deps.repository.isDonor(email))) return;
      const hour = Math.floor(now().getTime() / 3_600_000);
      const url = await deps.links.url(email, REQUESTED_LINK_HOURS * 3_600_000);
      await enqueueEmail(
        deps.client,
        { dedupeKey: `manage_link:${email.toLowerCase()}:${hour}`, kind: 'manage_link', to: email, ...renderManageLinkEmail({ org: deps.org, url, hours: REQUESTED_LINK_HOURS }) },
        deps.domain,
      );
    },

    async open(token: string) {
      const email = await donorOf(token);
      const [gifts, receipts] = await Promise.all([deps.repository.giftsOf(email), deps.repository.receiptsOf(email)]);
      return { email, gifts, receipts };
    },

    /** `amountText` is the monthly gift as typed; a donor who covers the fee keeps covering it. */
    async changeAmount(token: string, pledgeId: string, amountText: string, nonce: string): Promise<string> {
      const gift = await ownMonthly(await donorOf(token), pledgeId);
      const intended = parseMajorAmount(amountText, gift.currency);
      const max = deps.maxAmountMajor * 10 ** decimalsOf(gift.currency);
      if (intended === null || !isChargeableAmount(intended, gift.currency) || intended < minimumChargeOf(gift.currency) || intended > max) {
        throw ValidationFailed.field('amount', `Enter an amount from ${formatMoney(minimumChargeOf(gift.currency), gift.currency)} to ${formatMoney(max, gift.currency)}`);
      }
      const { gross, coveredFee } = gift.coverFees ? grossUpForFees(intended, deps.feeModel) : { gross: intended, coveredFee: 0 };
      await deps.gateway.changeAmount(gift.stripeSubscriptionId, { amount: gross, currency: gift.currency, coveredFee }, `manage:${pledgeId}:${nonce}`);
      return formatMoney(gross, gift.currency);
    },

    async act(token: string, pledgeId: string, action: ManageAction): Promise<void> {
      const gift = await ownMonthly(await donorOf(token), pledgeId);
      await deps.gateway[action](gift.stripeSubscriptionId);
    },

    async portal(token: string, pledgeId: string): Promise<string> {
      const gift = await ownMonthly(await donorOf(token), pledgeId);
      if (!gift.stripeCustomerId) throw new NotFound('Card on file');
      return deps.gateway.portalUrl(gift.stripeCustomerId, `${deps.publicUrl}/manage/${token}`);
    },
  };
}

export type ManageService = ReturnType<typeof createManageService>;
