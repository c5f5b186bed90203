// The staff dashboard: per campaign totals and a daily chart, recent payments, failed webhook
// events with a replay button, and the finance exports. Plain HTML forms, CSRF-protected.
import type { DailyAmount } from '../admin/dashboard-repository.ts';
import type { PaymentRow } from '../payments/payment-query-repository.ts';
import type { Campaign } from '../campaigns/campaign.ts';
import type { Progress } from '../campaigns/campaign-service.ts';
import { formatMoney } from '../money/currency.ts';
import { adminPage, csrfField } from './admin-frame.ts';
import { html } from '../html.ts';
import { page, type Org } from './layout.ts';
import { dailyChart } from './svg-chart.ts';

export function signInPage(message: { error?: string; notice?: string; org?: Org } = {}): string {
  return page({
    title: 'Admin sign-in',
    bodyClass: 'admin sign-in',
    org: message.org,
    body: html`<h1>Admin sign-in</h1>
${message.error ? html`<p class="summary" role="alert">${message.error}</p>` : ''}
${message.notice ? html`<p class="notice" role="status">${message.notice}</p>` : ''}
<form method="post" action="/admin/sign-in" class="donate card">
<label for="key">Admin key <span class="hint">(from <code>npm run admin -- create-key</code>)</span></label>
<input id="key" name="key" type="password" autocomplete="current-password" required spellcheck="false">
<button type="submit">Sign in</button>
</form>`,
  });
}

export interface DashboardModel {
  label: string;
  csrf: string;
  campaigns: Array<{ campaign: Campaign; progress: Progress; series: DailyAmount[] }>;
  payments: PaymentRow[];
  failedEvents: Array<{ id: string; type: string; attempts: number; lastError: string | null; receivedAt: string }>;
  notice?: string;
  org?: Org;
  /** The zone the dashboard's own times are shown in (the organisation's). */
  timeZone: string;
}

export function dashboardPage(m: DashboardModel): string {
  const csrf = csrfField(m.csrf);
  const body = html`
${m.campaigns.map(
  ({ campaign, progress, series }) => html`<section class="card" aria-labelledby="c-${campaign.slug}">
<h2 id="c-${campaign.slug}">${campaign.title} <span class="muted">(${campaign.slug})</span></h2>
<dl class="totals" data-campaign="${campaign.slug}">
<div><dt>Raised</dt><dd data-total="raised">${formatMoney(progress.raised, progress.currency)}</dd></div>
<div><dt>Goal</dt><dd>${formatMoney(progress.goal, progress.currency)} (${progress.percent}%)</dd></div>
<div><dt>Pending</dt><dd data-total="pending">${formatMoney(progress.pending, progress.currency)}</dd></div>
<div><dt>Refunded</dt><dd data-total="refunded">${formatMoney(progress.refunded, progress.currency)}</dd></div>
<div><dt>Disputed</dt><dd data-total="disputed">${formatMoney(progress.disputed, progress.currency)}</dd></div>
<div><dt>Donors</dt><dd>${progress.donors}</dd></div>
</dl>
${dailyChart(series, progress.currency, campaign)}
<p class="exports">Export:
<a class="button" href="/admin/exports/payments.csv?campaign=${campaign.slug}" download>Payments CSV</a>
<a class="button" href="/admin/exports/pledges.csv?campaign=${campaign.slug}" download>Pledges CSV</a>
<a class="button secondary" href="/admin/campaigns/${campaign.slug}/edit">Edit campaign</a></p>
</section>`,
)}
${exportForm(m.campaigns.map((c) => c.campaign))}
<section class="card" aria-labelledby="recent"><h2 id="recent">Recent payments</h2>
<div class="scroll" tabindex="0" role="region" aria-label="Table of recent payments"><table>
<thead><tr><th scope="col">Paid (${m.timeZone})</th><th scope="col">Campaign</th><th scope="col">Donor</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead>
<tbody>${m.payments.map(
    (p) => html`<tr><td><a href="/admin/payments/${p.id}">${p.paidAt ? localTime(p.paidAt, m.timeZone) : '–'}</a></td><td>${p.campaign}</td>
<td>${p.name ?? ''}${p.anonymous ? ' (anonymous)' : ''}<br><span class="muted">${p.email}</span></td>
<td>${formatMoney(p.amount, p.currency)}${p.frequency === 'monthly' ? ' / month' : ''}</td>
<td>${p.status}${p.amountRefunded ? html`, refunded ${formatMoney(p.amountRefunded, p.currency)}` : ''}${
      p.disputeStatus !== 'none' ? `, dispute ${p.disputeStatus}` : ''
    }${p.flag ? html`, <strong>flagged</strong>: ${p.flag}` : ''}</td></tr>`,
  )}</tbody></table></div>
${m.payments.length ? '' : html`<p class="muted">No payments yet.</p>`}
</section>
<section class="card" aria-labelledby="failed"><h2 id="failed">Failed webhook events</h2>
${
  m.failedEvents.length
    ? html`<ul class="events">${m.failedEvents.map(
        (e) => html`<li><strong>${e.type}</strong> <code>${e.id}</code> · ${e.attempts} attempt${e.attempts === 1 ? '' : 's'} · ${e.receivedAt}
<br><span class="muted">${e.lastError ?? ''}</span>
<form method="post" action="/admin/webhook-events/${e.id}/replay">${csrf}<button type="submit">Replay</button></form></li>`,
      )}</ul>`
    : html`<p class="muted">None: every event was applied.</p>`
}
</section>`;
  return adminPage(m, { title: 'Dashboard', current: '/admin', body });
}

/** "2026-12-03 14:05" on the wall clock of `timeZone`: labelled with the zone where shown. */
export function localTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(at);
}

/**
 * One form for every export: a campaign, a range of whole days and a flavour of CSV. It goes
 * through /admin/export, which drops the empty fields and turns the day range into instants.
 */
function exportForm(campaigns: Campaign[]) {
  return html`<section class="card" aria-labelledby="exports-title"><h2 id="exports-title">Exports</h2>
<form method="get" action="/admin/export" class="export-form">
<div class="field"><label for="export-campaign">Campaign</label>
<select id="export-campaign" name="campaign"><option value="">All campaigns</option>${campaigns.map(
    (c) => html`<option value="${c.slug}">${c.title}</option>`,
  )}</select></div>
<div class="field"><label for="export-from">From <span class="hint">(day, UTC)</span></label><input id="export-from" name="from" type="date"></div>
<div class="field"><label for="export-to">To <span class="hint">(day included, UTC)</span></label><input id="export-to" name="to" type="date"></div>
<div class="field"><label for="export-format">Format</label>
<select id="export-format" name="format"><option value="csv">CSV, UTF-8 (scripts)</option><option value="excel">CSV for Excel (UTF-8 with BOM)</option></select></div>
<p class="export-buttons"><button type="submit" name="kind" value="payments">Payments CSV</button>
<button type="submit" name="kind" value="pledges">Pledges CSV</button>
<button type="submit" name="kind" value="payouts">Payouts CSV</button>
<button type="submit" name="kind" value="offline">Offline gifts CSV</button></p>
<p class="hint">Times inside the files are UTC (ISO 8601, ending in Z). Leave the dates empty for everything.</p>
</form>
<p class="export-buttons"><a class="button secondary" href="/admin/exports/subscribers.csv" download>Digest subscribers CSV</a>
<span class="hint">Confirmed addresses with their consent (time, source, address), for the newsletter tool.</span></p></section>`;
}
