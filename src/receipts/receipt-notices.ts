// The ledger's PaymentNotices: queues a receipt for each settled, unflagged payment and a notice
// for each refund that succeeded, in the transaction that recorded it. The dedupe keys (one receipt
// per payment, one notice per Stripe refund) make a redelivered webhook, a replay or a reconcile
// write nothing new, whichever instance applies it.
import type { Logger } from 'pino';
import type { OrgConfig } from '../config.ts';
import { enqueueEmail, outboxMessage, type OutboxMessage } from '../email/outbox-repository.ts';
import { lintEmail } from '../email/mail-lint.ts';
import type { NewEmail } from '../email/outbox.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { RECEIPT_LINK_DAYS, type ManageLinks } from '../manage/manage-links.ts';
import type { NoticesFactory } from '../payments/ledger-rules.ts';
import type { PaymentNotices } from '../payments/payment-service.ts';
import { describeMethod, offlineReference, type OfflineGift, type OfflineGiftEffectsFactory } from '../offline-gifts/offline-gift.ts';
import { renderOfflineCorrection, renderOfflineReceipt, renderReceipt, renderRefundNotice } from './receipt-content.ts';
import { findPaymentForNotice, type PaymentForNotice } from './receipt-repository.ts';

export interface NoticeDeps {
  org: OrgConfig;
  /** Domain of MAIL_FROM, for Message-IDs. */
  domain: string;
  links: ManageLinks;
  logger: Logger;
  clock?: () => Date;
}

export const receiptKey = (paymentId: string) => `receipt:${paymentId}`;
export const refundKey = (refundId: string) => `refund:${refundId}`;

type QueueDeps = Pick<NoticeDeps, 'domain' | 'logger'>;

function linted<E extends NewEmail>(deps: Pick<QueueDeps, 'logger'>, email: E): E {
  const problems = lintEmail(email);
  if (problems.length) deps.logger.warn({ dedupeKey: email.dedupeKey, problems }, 'email template fails the spam check');
  return email;
}

// The insert's ON CONFLICT (dedupe_key) is the only check: looking first would cost every new
// payment a round trip inside the webhook transaction to save rendering on a rare redelivery.
function queuer(deps: QueueDeps) {
  return async (client: Prisma.TransactionClient, email: NewEmail) => {
    if (await enqueueEmail(client, linted(deps, email), deps.domain)) {
      deps.logger.info({ dedupeKey: email.dedupeKey, kind: email.kind }, 'email queued');
    }
  };
}

export function receiptNotices(deps: NoticeDeps): NoticesFactory {
  const now = deps.clock ?? (() => new Date());
  const queue = queuer(deps);

  /** The receipt due for a payment; null when none is (failed, pending: a bank debit not cleared, flagged). */
  async function receiptFor(p: PaymentForNotice): Promise<NewEmail | null> {
    if (p.status !== 'succeeded' || p.flag) return null;
    const dedupeKey = receiptKey(p.paymentId);
    const manageUrl = p.frequency === 'monthly' ? await deps.links.url(p.email, RECEIPT_LINK_DAYS * 86_400_000) : undefined;
    return { dedupeKey, kind: 'receipt', to: p.email, ...renderReceipt(p, { org: deps.org, manageUrl }) };
  }

  const factory = (client: Prisma.TransactionClient): PaymentNotices => ({
    async paymentRecorded(ref) {
      const p = await findPaymentForNotice(client, ref);
      const receipt = p && (await receiptFor(p));
      if (receipt) await queue(client, receipt);
    },

    async refundSucceeded(refund) {
      const p = await findPaymentForNotice(client, refund);
      if (!p || p.status !== 'succeeded' || p.flag || p.amountRefunded <= 0) return;
      const key = refundKey(refund.refundId);
      await queue(client, { dedupeKey: key, kind: 'refund', to: p.email, ...renderRefundNotice(p, { org: deps.org, at: now() }) });
    },
  });
  return Object.assign(factory, {
    async receiptAhead(p: PaymentForNotice): Promise<OutboxMessage | null> {
      const receipt = await receiptFor(p);
      return receipt && outboxMessage(linted(deps, receipt), deps.domain);
    },
  });
}

export const offlineReceiptKey = (giftId: string) => `offline-receipt:${giftId}`;
export const offlineCorrectionKey = (giftId: string) => `offline-void:${giftId}`;

/**
 * An offline gift's emails, in the transaction that records or voids it: a receipt when the donor
 * gave an email (the method where a card receipt says "charged"), and when that gift is voided a
 * correction withdrawing the receipt, so the donor never keeps a tax record for money that was
 * not given (a re-entered gift sends its own, corrected receipt).
 */
export function offlineGiftNotices(deps: QueueDeps & { org: OrgConfig }): OfflineGiftEffectsFactory {
  const queue = queuer(deps);
  const facts = (g: OfflineGift) => ({
    amount: g.amount, currency: g.currency, receivedOn: g.receivedOn, method: describeMethod(g.method, g.reference),
    reference: offlineReference(g.id), campaignTitle: g.campaignTitle, name: g.donorName,
  });
  return (client) => ({
    async recorded(gift) {
      if (gift.email) await queue(client, { dedupeKey: offlineReceiptKey(gift.id), kind: 'receipt', to: gift.email, ...renderOfflineReceipt(facts(gift), deps) });
    },
    async voided(gift) {
      if (gift.email) await queue(client, { dedupeKey: offlineCorrectionKey(gift.id), kind: 'correction', to: gift.email, ...renderOfflineCorrection(facts(gift), deps) });
    },
  });
}
