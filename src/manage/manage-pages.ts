// The donor's pages: the "Manage my donation" form, and the page a manage link opens.
import { randomBytes } from 'node:crypto';
import { formatMoney, formatMinor } from '../money/currency.ts';
import { donationReference, nextMonthlyCharge } from '../pledges/pledge.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { page } from '../web/layout.ts';
import type { DonorGift, DonorReceipt } from './manage.ts';

const day = (d: Date, timeZone: string) => new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone }).format(d);

export function requestLinkPage(o: { sent?: boolean; error?: string; status?: string } = {}): string {
  return page({
    title: 'Manage my donation',
    body: html`<h1>Manage my donation</h1>
${o.status ? html`<p class="summary" role="alert">${o.status}</p>` : ''}
${o.sent
  ? html`<p class="notice" role="status" data-link-requested>If we have donations from that address, a link to manage them is on its way. It works for 24 hours.</p>`
  : html`<p>Type the email address you gave with your donation: we send a link to manage it there.</p>`}
<form method="post" action="/manage" class="donate">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254">
${o.error ? html`<p class="error" role="alert">${o.error}</p>` : ''}
<button type="submit">Send me a link</button>
</form>`,
  });
}

function monthlyCard(g: DonorGift, base: string, timeZone: string): SafeHtml {
  const running = g.status !== 'cancelled' && g.subscriptionStatus !== 'canceled';
  const state = !running ? 'Cancelled' : g.pausedAt ? 'Paused' : g.subscriptionStatus === 'past_due' ? 'Payment failing' : 'Active';
  const gift = g.amount - g.coveredFee;
  const action = (path: string, label: string, cls = '') =>
    html`<form method="post" action="${base}/gifts/${g.id}/${path}" class="inline"><button type="submit" class="${cls}" data-action="${path}">${label}</button></form>`;
  return html`<section class="card" data-gift="${g.id}">
<h2>${formatMoney(g.amount, g.currency)} a month · <span data-state>${state}</span></h2>
<p>${g.campaignTitle} · reference ${donationReference(g.id)}${g.coveredFee ? ` · includes ${formatMoney(g.coveredFee, g.currency)} for the processing fee` : ''}</p>
${running && !g.pausedAt && g.subscriptionStatusAt ? html`<p>Next gift on ${day(nextMonthlyCharge(g.subscriptionStatusAt), timeZone)}.</p>` : ''}
${running
  ? html`<form method="post" action="${base}/gifts/${g.id}/amount" class="donate">
<input type="hidden" name="nonce" value="${randomBytes(12).toString('base64url')}">
<label for="amount-${g.id}">New monthly gift (${g.currency.toUpperCase()})</label>
<input id="amount-${g.id}" name="amount" inputmode="decimal" required value="${formatMinor(gift, g.currency)}">
<button type="submit" data-action="amount">Change amount</button></form>
<div class="actions">${g.pausedAt ? action('resume', 'Resume') : action('pause', 'Pause', 'secondary')}
${action('card', 'Update card', 'secondary')}
${action('cancel', 'Cancel my monthly gift', 'secondary danger')}</div>`
  : ''}
</section>`;
}

export function managePage(o: {
  email: string;
  base: string;
  gifts: DonorGift[];
  receipts: DonorReceipt[];
  timeZone: string;
  notice?: string;
  error?: string;
}): string {
  const monthly = o.gifts.filter((g) => g.frequency === 'monthly');
  const once = o.gifts.filter((g) => g.frequency === 'once');
  return page({
    title: 'Your donations',
    body: html`<h1>Your donations</h1>
<p class="muted">For ${o.email}. Changes take a few seconds to show here.</p>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : ''}
${o.error ? html`<p class="summary" role="alert">${o.error}</p>` : ''}
${monthly.map((g) => monthlyCard(g, o.base, o.timeZone))}
${once.length
  ? html`<section class="card"><h2>One-time gifts</h2><ul>${once.map(
      (g) => html`<li>${day(g.createdAt, o.timeZone)}: ${formatMoney(g.amount, g.currency)} to ${g.campaignTitle} (reference ${donationReference(g.id)})</li>`,
    )}</ul></section>`
  : ''}
<section class="card"><h2>Receipts</h2>${o.receipts.length
  ? html`<ul>${o.receipts.map((r) => html`<li>${day(r.createdAt, o.timeZone)}: ${r.subject}</li>`)}</ul>`
  : html`<p class="muted">No receipts yet.</p>`}</section>`,
  });
}
