// The pages a donor lands on after Checkout: thanks (paid, processing or not yet confirmed) and
// cancelled (back to the form with the amount kept).
import { formatMoney } from '../money/currency.ts';
import { html } from './html.ts';
import { page } from './layout.ts';

export type DonationState = 'paid' | 'processing' | 'pending' | 'failed' | 'unknown';

export interface ThanksModel {
  state: DonationState;
  amount?: number;
  currency?: string;
  frequency?: 'once' | 'monthly';
  campaignTitle?: string;
  campaignSlug?: string;
}

const HEADLINES: Record<DonationState, string> = {
  paid: 'Thank you for your gift!',
  processing: 'Thank you: your payment is processing',
  pending: 'Thank you: we are confirming your payment',
  failed: 'Your payment did not go through',
  unknown: 'Thank you',
};

export function thanksPage(model: ThanksModel): string {
  const gift =
    model.amount !== undefined && model.currency
      ? `${formatMoney(model.amount, model.currency)}${model.frequency === 'monthly' ? ' a month' : ''}`
      : 'your gift';
  const detail = {
    paid: html`<p>Your donation of <strong>${gift}</strong> to ${model.campaignTitle ?? 'our newsroom'} has been received. A receipt is on its way to your inbox.</p>`,
    processing: html`<p>Your donation of <strong>${gift}</strong> was made by bank debit, which takes a few days to clear. We will email you when it clears; nothing else is needed from you.</p>`,
    pending: html`<p>Stripe is confirming your donation of <strong>${gift}</strong>. This page updates when you reload it; your receipt will arrive by email.</p>`,
    failed: html`<p>Your bank declined the payment of <strong>${gift}</strong>. You have not been charged.</p>`,
    unknown: html`<p>If you completed a donation, your receipt will arrive by email.</p>`,
  }[model.state];
  const back = model.campaignSlug ? `/campaigns/${model.campaignSlug}` : '/';
  return page({
    title: HEADLINES[model.state],
    body: html`<h1 data-state="${model.state}">${HEADLINES[model.state]}</h1>
${detail}
<p><a href="${back}">Back to the campaign</a></p>`,
  });
}

export function cancelledPage(formUrl: string): string {
  return page({
    title: 'Donation cancelled',
    body: html`<h1>Your donation was cancelled</h1>
<p>No payment was taken. Changed your mind, or something went wrong? Your amount is kept on the form.</p>
<p><a class="button" href="${formUrl}">Back to the donation form</a></p>`,
  });
}

export function notFoundPage(): string {
  return page({ title: 'Page not found', body: html`<h1>Page not found</h1><p><a href="/">Go to the donation page</a></p>` });
}
