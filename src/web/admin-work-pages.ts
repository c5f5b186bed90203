// The dashboard pages staff work in: payments (search, one payment, a refund and its
// confirmation), monthly donors, and the campaign form. Plain HTML forms, CSRF-protected.
import type { Campaign } from '../campaigns/campaign.ts';
import { formatMinor, formatMoney } from '../money/currency.ts';
import type { MonthlyDonorRow, PaymentRow, RefundRequestRow } from '../payments/payment-query-repository.ts';
import { adminPage, csrfField, type AdminFrame } from './admin-frame.ts';
import { localTime } from './admin-dashboard-page.ts';
import { failingMonthlyTable } from './attention-panels.ts';
import type { FailingMonthlyGift } from '../pledges/dunning.ts';
import { html, type SafeHtml } from '../html.ts';

export type Errors = Record<string, string>;

export function errorSummary(errors: Errors): SafeHtml | '' {
  const list = Object.entries(errors);
  return list.length
    ? html`<div class="summary" role="alert" id="error-summary"><p><strong>Please check the form:</strong></p><ul>${list.map(
        ([field, message]) => html`<li><a href="#${field}">${message}</a></li>`,
      )}</ul></div>`
    : '';
}

export const fieldError = (errors: Errors, field: string) => (errors[field] ? html`<p class="error" id="${field}-error">${errors[field]}</p>` : '');
export const invalid = (errors: Errors, field: string) => (errors[field] ? html` aria-invalid="true" aria-describedby="${field}-error"` : '');

function donor(p: Pick<PaymentRow, 'name' | 'anonymous' | 'email'>): SafeHtml {
  return html`${p.name ?? ''}${p.anonymous ? ' (anonymous)' : ''}<br><span class="muted">${p.email}</span>`;
}

function state(p: PaymentRow): SafeHtml {
  return html`${p.status}${p.amountRefunded ? html`, refunded ${formatMoney(p.amountRefunded, p.currency)}` : ''}${
    p.disputeStatus !== 'none' ? `, dispute ${p.disputeStatus}` : ''
  }${p.flag ? html`, <strong>flagged</strong>` : ''}`;
}

export interface PaymentsModel extends AdminFrame {
  timeZone: string;
  q: string;
  page: number;
  rows: PaymentRow[];
  hasNext: boolean;
}

export function paymentsPage(m: PaymentsModel): string {
  const at = (page: number) => `/admin/payments?${new URLSearchParams({ ...(m.q ? { q: m.q } : {}), ...(page > 1 ? { page: String(page) } : {}) })}`;
  const body = html`<form method="get" action="/admin/payments" class="search" role="search">
<label for="q">Search payments <span class="hint">(email, name, or a Stripe id: pi_, ch_, in_, cs_, txn_, po_, dp_, sub_)</span></label>
<div class="search-row"><input id="q" name="q" type="search" value="${m.q}" maxlength="200"><button type="submit">Search</button></div>
</form>
<section aria-labelledby="results"><h2 id="results">${m.q ? html`Payments matching “${m.q}”` : 'All payments'} <span class="muted">(page ${m.page})</span></h2>
${m.rows.length
    ? html`<div class="scroll" tabindex="0" role="region" aria-label="Table of payments"><table>
<thead><tr><th scope="col">Paid (${m.timeZone})</th><th scope="col">Donor</th><th scope="col">Campaign</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead>
<tbody>${m.rows.map(
        (p) => html`<tr><td><a href="/admin/payments/${p.id}">${p.paidAt ? localTime(p.paidAt, m.timeZone) : localTime(p.createdAt, m.timeZone)}</a></td>
<td>${donor(p)}</td><td>${p.campaign}</td><td>${formatMoney(p.amount, p.currency)}${p.frequency === 'monthly' ? ' / month' : ''}</td><td>${state(p)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No payment matches.</p>`}
<nav class="pager" aria-label="Pages">${m.page > 1 ? html`<a href="${at(m.page - 1)}" rel="prev">← Newer</a>` : ''}${
    m.hasNext ? html`<a href="${at(m.page + 1)}" rel="next">Older →</a>` : ''
  }</nav>
</section>`;
  return adminPage(m, { title: 'Payments', current: '/admin/payments', body });
}

export interface PaymentModel extends AdminFrame {
  timeZone: string;
  payment: PaymentRow;
  refunds: RefundRequestRow[];
  refundable: number;
  values?: { amount?: string; reason?: string };
  errors?: Errors;
}

function row(label: string, value: SafeHtml | string | null | undefined, key?: string): SafeHtml {
  return html`<div${key ? html` data-row="${key}"` : ''}><dt>${label}</dt><dd>${value ?? '–'}</dd></div>`;
}

const STRIPE_ID_LABELS: Record<keyof PaymentRow['stripe'], string> = {
  paymentIntent: 'Payment intent', charge: 'Charge', invoice: 'Invoice', balanceTransaction: 'Balance transaction', payout: 'Payout',
  dispute: 'Dispute', checkoutSession: 'Checkout Session', subscription: 'Subscription',
};

export function paymentPage(m: PaymentModel): string {
  const p = m.payment;
  const money = (n: number | null) => (n === null ? 'not known yet' : formatMoney(n, p.currency));
  const errors = m.errors ?? {};
  const ids = Object.entries(p.stripe).filter(([, v]) => v);
  const open = m.refunds.find((r) => r.open);
  const body = html`<p><a href="/admin/payments">← All payments</a></p>
<section class="card" aria-labelledby="money"><h2 id="money">${formatMoney(p.amount, p.currency)} from ${p.name ?? p.email}</h2>
<dl class="receipt">
${row('Donor', donor(p))}
${row('Campaign', p.campaign)}
${row(`Paid (${m.timeZone})`, p.paidAt ? localTime(p.paidAt, m.timeZone) : 'not yet')}
${row('Status', state(p), 'status')}
${row('Gross charged', money(p.amount), 'gross')}
${row('Fee the donor covered', money(p.coveredFee))}
${row('Stripe fee', money(p.fee), 'fee')}
${row('Net', money(p.net), 'net')}
${row('Refunded', money(p.amountRefunded), 'refunded')}
${row('Dispute', p.disputeStatus === 'none' ? 'none' : `${p.disputeStatus} (${formatMoney(p.disputedAmount, p.currency)})`, 'dispute')}
${p.flag ? row('Flag', p.flag) : ''}
</dl></section>
<section class="card" aria-labelledby="ids"><h2 id="ids">Stripe ids</h2>
<dl class="receipt ids">${ids.map(([k, v]) => row(STRIPE_ID_LABELS[k as keyof PaymentRow['stripe']], html`<code>${v}</code>`))}</dl></section>
<section class="card" aria-labelledby="refund"><h2 id="refund">Refund</h2>
${open
    ? html`${errors.amount ? html`<p class="error" role="alert">${errors.amount}</p>` : ''}<p class="notice" data-open-refund>A refund of ${formatMoney(open.amount, open.currency)} asked on ${localTime(open.createdAt, m.timeZone)} by ${open.requestedBy} has no answer from Stripe yet, so Stripe may or may not have made it. Retry it: it goes again under the same key, so Stripe makes it at most once. No other refund can be asked for until it is answered.</p>
<form method="post" action="/admin/payments/${p.id}/refund">
${csrfField(m.csrf)}<input type="hidden" name="amount" value="${formatMinor(open.amount, open.currency)}"><input type="hidden" name="reason" value="${open.reason}">
<button type="submit">Retry the refund of ${formatMoney(open.amount, open.currency)}</button>
</form>`
    : m.refundable > 0
    ? html`${errorSummary(errors)}<form method="post" action="/admin/payments/${p.id}/refund/confirm" class="donate">
${csrfField(m.csrf)}
<label for="amount">Amount (${p.currency.toUpperCase()}) <span class="hint">(up to ${formatMoney(m.refundable, p.currency)}; leave as is for a full refund)</span></label>
<input id="amount" name="amount" inputmode="decimal" value="${m.values?.amount ?? formatMinor(m.refundable, p.currency)}"${invalid(errors, 'amount')}>
${fieldError(errors, 'amount')}
<label for="reason">Reason <span class="hint">(kept with the refund, with your key’s name)</span></label>
<textarea id="reason" name="reason" maxlength="500" required${invalid(errors, 'reason')}>${m.values?.reason ?? ''}</textarea>
${fieldError(errors, 'reason')}
<button type="submit">Review the refund…</button>
</form>`
    : html`<p class="muted">Nothing left to refund on this payment.</p>`}
${m.refunds.length
    ? html`<h3>Refunds asked for</h3><ul class="events">${m.refunds.map(
        (r) => html`<li><strong>${formatMoney(r.amount, r.currency)}</strong> · ${localTime(r.createdAt, m.timeZone)} (${m.timeZone}) · by ${r.requestedBy} · ${r.open ? 'no answer from Stripe yet' : r.status}${
          r.stripeRefundId ? html` <code>${r.stripeRefundId}</code>` : ''
        }<br><span class="muted">${r.reason}</span>${r.error ? html`<br><span class="error">${r.error}</span>` : ''}</li>`,
      )}</ul>`
    : ''}
</section>`;
  return adminPage(m, { title: 'Payment', current: '/admin/payments', body });
}

export function refundConfirmPage(m: AdminFrame & { payment: PaymentRow; amount: number; reason: string }): string {
  const p = m.payment;
  const whole = p.amount - p.amountRefunded === m.amount;
  const body = html`<section class="card confirm" aria-labelledby="confirm"><h2 id="confirm">Refund ${formatMoney(m.amount, p.currency)} to ${p.name ?? p.email}?</h2>
<p>${whole ? 'This refunds everything left on the payment' : 'A partial refund'} of ${formatMoney(p.amount, p.currency)} paid to ${p.campaign}. Stripe returns the money to the donor’s card; the campaign’s total goes down when Stripe confirms it.</p>
<p><strong>Reason:</strong> ${m.reason}</p>
<form method="post" action="/admin/payments/${p.id}/refund">
${csrfField(m.csrf)}<input type="hidden" name="amount" value="${formatMinor(m.amount, p.currency)}"><input type="hidden" name="reason" value="${m.reason}">
<button type="submit" class="danger">Refund ${formatMoney(m.amount, p.currency)}</button>
<a class="button secondary" href="/admin/payments/${p.id}">Cancel</a>
</form></section>`;
  return adminPage(m, { title: 'Confirm the refund', current: '/admin/payments', body });
}

type MonthlyKind = 'running' | 'failing' | 'paused' | 'cancelled';

const FAILING = ['past_due', 'unpaid', 'incomplete'];
const ENDED = ['canceled', 'incomplete_expired'];
const CANCELLED_BY: Record<string, string> = {
  donor: 'the donor (manage page)',
  cancellation_requested: 'the donor (Stripe customer portal) or staff in Stripe',
  payment_failed: 'Stripe, after failed payments',
  payment_disputed: 'Stripe, after a dispute',
};

/** Where a monthly gift stands: cancelled and paused first, whatever Stripe's last status said. */
export function monthlyKind(r: Pick<MonthlyDonorRow, 'cancelled' | 'pausedAt' | 'subscriptionStatus'>): MonthlyKind {
  if (r.cancelled || ENDED.includes(r.subscriptionStatus ?? '')) return 'cancelled';
  if (r.pausedAt) return 'paused';
  return FAILING.includes(r.subscriptionStatus ?? '') ? 'failing' : 'running';
}

/**
 * Monthly recurring revenue per currency: only the gifts running (an active subscription). A
 * failing one is not revenue while Stripe retries a declined card (it may never pay), nor is a
 * paused or cancelled one. Every currency of a monthly gift shows, at zero when none runs.
 */
export function monthlyRevenue(rows: MonthlyDonorRow[]): Map<string, number> {
  const mrr = new Map<string, number>(rows.map((r) => [r.currency, 0]));
  for (const r of rows) {
    const kind = monthlyKind(r);
    if (kind === 'running') mrr.set(r.currency, mrr.get(r.currency)! + r.amount);
  }
  return mrr;
}

export function monthlyPage(m: AdminFrame & { rows: MonthlyDonorRow[]; failing: FailingMonthlyGift[]; timeZone: string }): string {
  const kinds = m.rows.map((r) => monthlyKind(r));
  const count = (k: MonthlyKind) => kinds.filter((kind) => kind === k).length;
  const mrr = monthlyRevenue(m.rows);
  const state = (r: MonthlyDonorRow, kind: MonthlyKind) =>
    kind === 'cancelled'
      ? html`cancelled${r.cancelledAt ? html`<br><span class="muted">by ${CANCELLED_BY[r.cancelledBy ?? ''] ?? r.cancelledBy ?? 'Stripe'} on ${localTime(r.cancelledAt, m.timeZone)}</span>` : ''}`
      : html`${kind}${kind === 'paused' && r.pausedAt ? html`<br><span class="muted">since ${localTime(r.pausedAt, m.timeZone)}</span>` : html` <span class="muted">(${r.subscriptionStatus ?? 'unknown'})</span>`}`;
  const body = html`<section class="card" aria-labelledby="mrr-title"><h2 id="mrr-title">Monthly giving</h2>
<dl class="totals">
${mrr.size
    ? [...mrr].map(([c, v]) => html`<div><dt>Monthly recurring revenue (${c.toUpperCase()})</dt><dd data-revenue="${c}">${formatMoney(v, c)}</dd></div>`)
    : html`<div><dt>Monthly recurring revenue</dt><dd data-revenue>${formatMoney(0, 'usd')}</dd></div>`}
<div><dt>Running</dt><dd data-total="running">${count('running')}</dd></div>
<div><dt>Failing</dt><dd data-total="failing">${count('failing')}</dd></div>
<div><dt>Paused</dt><dd data-total="paused">${count('paused')}</dd></div>
<div><dt>Cancelled</dt><dd data-total="cancelled">${count('cancelled')}</dd></div>
</dl><p class="hint">Revenue counts each running gift’s monthly charge, the fee its donor covers included; failing gifts (Stripe is retrying a declined card), paused and cancelled ones do not.</p></section>
${failingMonthlyTable(m.failing)}
<section class="card" aria-labelledby="donors-title"><h2 id="donors-title">Monthly donors</h2>
${m.rows.length
    ? html`<div class="scroll" tabindex="0" role="region" aria-label="Table of monthly donors"><table>
<thead><tr><th scope="col">Since (${m.timeZone})</th><th scope="col">Donor</th><th scope="col">Campaign</th><th scope="col">Monthly</th><th scope="col">State</th><th scope="col">Payments</th></tr></thead>
<tbody>${m.rows.map(
        (r, i) => html`<tr data-pledge="${r.pledgeId}"><td>${r.since ? localTime(r.since, m.timeZone) : '–'}</td><td>${r.name ?? ''}<br><span class="muted">${r.email}</span></td>
<td>${r.campaign}</td><td>${formatMoney(r.amount, r.currency)}</td><td data-state="${kinds[i]!}">${state(r, kinds[i]!)}</td><td>${r.payments}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No monthly donors yet.</p>`}
</section>`;
  return adminPage(m, { title: 'Monthly donors', current: '/admin/monthly', body });
}

/** The campaign form's fields as typed: amounts in major units, lists one a line. */
export interface CampaignFormValues {
  slug?: string;
  title?: string;
  description?: string;
  goal?: string;
  currency?: string;
  timezone?: string;
  startsAt?: string;
  endsAt?: string;
  presets?: string;
  presetImpacts?: string;
  monthlyPresets?: string;
  monthlyPresetImpacts?: string;
  suggestMonthly?: boolean;
  imageUrl?: string;
  imageAlt?: string;
  story?: string;
}

/** A stored campaign as the form shows it: dates as days in its own zone. */
export function campaignFormValues(c: Campaign): CampaignFormValues {
  const day = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: c.timezone }).format(d);
  const lastDay = new Date(c.endsAt.getTime() - 1);
  const amounts = (list: number[]) => list.map((a) => formatMinor(a, c.currency)).join(', ');
  return {
    slug: c.slug, title: c.title, description: c.description, goal: formatMinor(c.goal, c.currency), currency: c.currency,
    timezone: c.timezone, startsAt: day(c.startsAt), endsAt: day(lastDay), presets: amounts(c.presetAmounts),
    presetImpacts: c.presetImpacts.join('\n'), monthlyPresets: amounts(c.monthlyPresetAmounts),
    monthlyPresetImpacts: c.monthlyPresetImpacts.join('\n'), suggestMonthly: c.suggestMonthly, imageUrl: c.imageUrl ?? '',
    imageAlt: c.imageAlt, story: c.story,
  };
}

export function campaignFormPage(m: AdminFrame & { mode: 'new' | 'edit'; values: CampaignFormValues; errors?: Errors }): string {
  const v = m.values;
  const e = m.errors ?? {};
  const input = (name: keyof CampaignFormValues, label: string, hint: string, attrs: SafeHtml | '' = '') =>
    html`<label for="${name}">${label}${hint ? html` <span class="hint">(${hint})</span>` : ''}</label>
<input id="${name}" name="${name}" value="${String(v[name] ?? '')}"${attrs}${invalid(e, name)}>${fieldError(e, name)}`;
  const area = (name: keyof CampaignFormValues, label: string, hint: string) =>
    html`<label for="${name}">${label} <span class="hint">(${hint})</span></label>
<textarea id="${name}" name="${name}"${invalid(e, name)}>${String(v[name] ?? '')}</textarea>${fieldError(e, name)}`;
  const action = m.mode === 'new' ? '/admin/campaigns' : `/admin/campaigns/${v.slug}`;
  const body = html`${errorSummary(e)}
<form method="post" action="${action}" class="donate campaign-edit" novalidate>
${csrfField(m.csrf)}
<fieldset><legend>The campaign</legend>
${m.mode === 'new' ? input('slug', 'Address', 'lowercase letters, digits and hyphens: /campaigns/…', html` required pattern="[a-z0-9]+(-[a-z0-9]+)*"`) : html`<p>Address: <code>/campaigns/${v.slug}</code> <span class="hint">(fixed: embeds and links use it)</span></p>`}
${input('title', 'Title', '', html` required maxlength="200"`)}
${area('description', 'Summary', 'one or two sentences under the title')}
${input('goal', 'Goal', 'in major units, e.g. 250000', html` inputmode="decimal" required`)}
${input('currency', 'Currency', 'three letters, e.g. usd', html` maxlength="3" required`)}
</fieldset>
<fieldset><legend>Dates</legend>
${input('timezone', 'Time zone', 'IANA, e.g. America/New_York', html` required`)}
${input('startsAt', 'Opens on', 'the day, from midnight in that zone', html` type="date" required`)}
${input('endsAt', 'Last day', 'included, to midnight in that zone', html` type="date" required`)}
</fieldset>
<fieldset><legend>Amounts</legend>
${input('presets', 'One-time presets', 'major units, comma-separated, e.g. 25, 50, 100')}
${area('presetImpacts', 'Impact lines for one-time presets', 'one a line, in the order of the presets')}
${input('monthlyPresets', 'Monthly presets', 'empty: the one-time presets')}
${area('monthlyPresetImpacts', 'Impact lines for monthly presets', 'one a line')}
<label class="check"><input type="checkbox" name="suggestMonthly" value="on" ${v.suggestMonthly ? 'checked' : ''}><span>Suggest making a one-time gift monthly</span></label>
</fieldset>
<fieldset><legend>Story</legend>
${input('imageUrl', 'Image', 'an https address or /assets/…; empty for none')}
${input('imageAlt', 'Image description', 'what the image shows, for people who cannot see it')}
${area('story', 'Story', 'plain text; a blank line between paragraphs')}
</fieldset>
<button type="submit">${m.mode === 'new' ? 'Create the campaign' : 'Save the campaign'}</button>
</form>`;
  return adminPage(m, { title: m.mode === 'new' ? 'New campaign' : `Edit ${v.title ?? v.slug}`, current: m.mode === 'new' ? '/admin/campaigns/new' : '', body });
}
