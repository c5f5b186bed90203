// The pages a donor lands on after Checkout: thanks (paid, processing, being confirmed, failed,
// or flagged: charged other than pledged) and cancelled (back to the form with the amount kept).
// The donor usually lands before Stripe's webhook: while the state is "confirming" the page moves
// on by itself, polled by thanks.js, or, without JavaScript, by a bounded meta refresh.
import { formatMoney } from '../money/currency.ts';
import type { DonationStatus } from '../pledges/pledge-service.ts';
import { html, type SafeHtml } from './html.ts';
import { MANAGE_PATH, page, type Org } from './layout.ts';

export type ThanksModel = DonationStatus & {
  /** Without JavaScript, while the state may still change: reload this URL after this many seconds. */
  autoRefresh?: { url: string; afterSeconds: number };
  /** The page has reloaded itself as often as it will; `checkAgainUrl` starts over. */
  stillWaiting?: boolean;
  checkAgainUrl?: string;
  /** With JavaScript: when thanks.js asks again, in seconds after landing, one after another. */
  pollSeconds?: number[];
  org?: Org;
  /** Receipts go out by email (RECEIPTS=on): only then does the page promise one. */
  receiptsByEmail?: boolean;
};

const HEADLINES: Record<DonationStatus['state'], string> = {
  paid: 'Thank you for your gift!',
  processing: 'Thank you: your payment is processing',
  pending: 'Thank you: we are confirming your payment',
  failed: 'Your payment did not go through',
  flagged: 'Thank you: we are checking your payment',
  unknown: 'Thank you',
};

function money(amount: number, currency: string, monthly = false): string {
  return `${formatMoney(amount, currency)}${monthly ? ' a month' : ''}`;
}

const TOTAL_LABEL: Partial<Record<DonationStatus['state'], string>> = { paid: 'Total charged', flagged: 'Total you chose' };

/** Gift + covered fee = total charged, and the reference: what a receipt would say. */
function summary(m: ThanksModel): SafeHtml | '' {
  if (m.total === undefined || !m.currency) return '';
  const monthly = m.frequency === 'monthly';
  const rows: Array<[string, string, string]> = [];
  if (m.coveredFee) {
    rows.push(['gift', 'Your gift', money(m.gift ?? m.total, m.currency, monthly)]);
    rows.push(['fee', 'Processing fee you covered', money(m.coveredFee, m.currency, monthly)]);
  }
  rows.push(['total', TOTAL_LABEL[m.state] ?? 'Total', money(m.total, m.currency, monthly)]);
  if (m.received) rows.push(['received', 'Charged by Stripe', money(m.received.amount, m.received.currency)]);
  if (m.reference) rows.push(['reference', 'Reference', m.reference]);
  return html`<dl class="receipt">${rows.map(([key, label, value]) => html`<div data-row="${key}"><dt>${label}</dt><dd>${value}</dd></div>`)}</dl>`;
}

function longDate(date: Date, timeZone = 'UTC'): string {
  try {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  }
}

/** What is left to say once the page stops asking; thanks.js shows it (data-given-up) in place. */
const closeNote = (receiptsByEmail = false) =>
  `This can take a few minutes; ${receiptsByEmail ? 'your receipt will arrive by email, and ' : ''}you can close this page.`;

function detail(m: ThanksModel): SafeHtml {
  const total = m.total !== undefined && m.currency ? money(m.total, m.currency, m.frequency === 'monthly') : 'your gift';
  const to = m.campaignTitle ?? 'our newsroom';
  switch (m.state) {
    case 'paid':
      return html`<p>Your donation to ${to} has been received.${m.receiptsByEmail ? ' A receipt is on its way to your inbox.' : ''}</p>
${m.nextChargeOn && m.total !== undefined && m.currency
  ? html`<p>Your next gift of <strong>${money(m.total, m.currency)}</strong> will be taken on <strong>${longDate(m.nextChargeOn, m.campaignTimezone)}</strong>.</p>`
  : ''}
${m.frequency === 'monthly' ? html`<p data-manage><a href="${MANAGE_PATH}">Manage your monthly gift</a>: change the amount, pause or cancel it whenever you like.</p>` : ''}`;
    case 'processing':
      return html`<p>Your donation of <strong>${total}</strong> was made by bank debit, which takes a few days to clear.${m.receiptsByEmail ? ' We will email you when it clears;' : ''} Nothing else is needed from you.</p>`;
    case 'pending':
      return m.stillWaiting
        ? html`<p data-waiting-note>Stripe has not confirmed your donation of <strong>${total}</strong> yet. ${closeNote(m.receiptsByEmail)}</p>
<p><a href="${m.checkAgainUrl ?? ''}">Check again</a></p>`
        : html`<p data-waiting-note data-given-up="Stripe has not confirmed your donation yet. ${closeNote(m.receiptsByEmail)}">Stripe is confirming your donation of <strong>${total}</strong>. This page updates by itself in a moment${m.receiptsByEmail ? '; your receipt will arrive by email' : ''}.</p>`;
    case 'failed':
      return html`<p>Your bank declined the payment of <strong>${total}</strong>. You have not been charged.</p>`;
    case 'flagged':
      return html`<p>Stripe reports a charge of <strong>${m.received ? money(m.received.amount, m.received.currency) : 'another amount'}</strong>, not the <strong>${total}</strong> you chose to give. We have not counted it yet: our team has been alerted, will check it, and will contact you by email if anything is needed. Please quote the reference below if you write to us.</p>`;
    default:
      return html`<p>${m.receiptsByEmail ? 'If you completed a donation, your receipt will arrive by email.' : 'If you completed a donation, it will show on the campaign page once Stripe confirms it.'}</p>`;
  }
}

export function thanksPage(model: ThanksModel): string {
  const back = model.campaignSlug ? `/campaigns/${model.campaignSlug}` : '/';
  const refresh = model.autoRefresh;
  return page({
    org: model.org,
    title: HEADLINES[model.state],
    // Only without JavaScript: with it, thanks.js polls and the page never reloads under the donor.
    head: refresh ? html`<noscript><meta http-equiv="refresh" content="${refresh.afterSeconds};url=${refresh.url}"></noscript>` : undefined,
    scripts: model.pollSeconds ? ['/assets/thanks.js'] : [],
    body: html`<div id="donation-status" aria-live="polite" data-state="${model.state}"${
      model.pollSeconds && !model.stillWaiting ? html` data-poll="${model.pollSeconds.join(',')}"` : ''
    }>
<h1 data-state="${model.state}">${HEADLINES[model.state]}</h1>
${detail(model)}
${summary(model)}
</div>
<p><a href="${back}">Back to the campaign</a></p>`,
  });
}

export function cancelledPage(formUrl: string, org?: Org): string {
  return page({
    org,
    title: 'Donation cancelled',
    body: html`<h1>Your donation was cancelled</h1>
<p>No payment was taken. Changed your mind, or something went wrong? What you entered is kept on the form.</p>
<p><a class="button" href="${formUrl}">Back to the donation form</a></p>`,
  });
}

export function notFoundPage(org?: Org): string {
  return page({
    org,
    title: 'Page not found',
    body: html`<div class="status-page"><p class="status-code" aria-hidden="true">404</p><h1>Page not found</h1>
<p>There is nothing at this address. It may have moved, or the link may be mistyped.</p>
<p><a class="button" href="/">Go to the donation page</a></p></div>`,
  });
}
