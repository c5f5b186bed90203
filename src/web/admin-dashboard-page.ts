// The staff dashboard: per campaign totals and a daily chart, recent payments, failed webhook
// events with a replay button, and the finance exports. Plain HTML forms, CSRF-protected.
import type { RecentPayment, DailyAmount } from '../admin/dashboard-repository.ts';
import type { Campaign } from '../campaigns/campaign.ts';
import type { Progress } from '../campaigns/campaign-service.ts';
import { formatMoney } from '../money/currency.ts';
import { attentionPanels, type AttentionModel } from './attention-panels.ts';
import { adminTabs } from './admin-tabs.ts';
import { html } from './html.ts';
import { page } from './layout.ts';
import { dailyChart } from './svg-chart.ts';

export function signInPage(message: { error?: string; notice?: string } = {}): string {
  return page({
    title: 'Admin sign-in',
    bodyClass: 'admin',
    body: html`<h1>Admin sign-in</h1>
${message.error ? html`<p class="summary" role="alert">${message.error}</p>` : ''}
${message.notice ? html`<p class="notice" role="status">${message.notice}</p>` : ''}
<form method="post" action="/admin/sign-in" class="donate">
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
  payments: RecentPayment[];
  failedEvents: Array<{ id: string; type: string; attempts: number; lastError: string | null; receivedAt: string }>;
  attention?: AttentionModel;
  notice?: string;
}

export function dashboardPage(m: DashboardModel): string {
  const csrf = html`<input type="hidden" name="csrf" value="${m.csrf}">`;
  const body = html`
<header class="admin-bar"><h1>Dashboard</h1>
<form method="post" action="/admin/sign-out">${csrf}<button type="submit" class="secondary">Sign out (${m.label})</button></form></header>
${adminTabs('dashboard')}
${m.notice ? html`<p class="notice" role="status">${m.notice}</p>` : ''}
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
${dailyChart(series, progress.currency, campaign.slug)}
<p class="exports">Export:
<a class="button" href="/admin/exports/payments.csv?campaign=${campaign.slug}" download>Payments CSV</a>
<a class="button" href="/admin/exports/pledges.csv?campaign=${campaign.slug}" download>Pledges CSV</a></p>
</section>`,
)}
${attentionPanels(m.attention)}
<section class="card"><h2>All exports</h2>
<p><a class="button" href="/admin/exports/payments.csv" download>Payments CSV</a>
<a class="button" href="/admin/exports/pledges.csv" download>Pledges CSV</a>
<a class="button" href="/admin/exports/payouts.csv" download>Payouts CSV</a></p></section>
<section class="card" aria-labelledby="recent"><h2 id="recent">Recent payments</h2>
<div class="scroll"><table>
<thead><tr><th scope="col">Paid</th><th scope="col">Campaign</th><th scope="col">Donor</th><th scope="col">Amount</th><th scope="col">Status</th></tr></thead>
<tbody>${m.payments.map(
    (p) => html`<tr><td>${p.paidAt ? p.paidAt.toISOString().slice(0, 16).replace('T', ' ') : '–'}</td><td>${p.campaign}</td>
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
  return page({ title: 'Dashboard', bodyClass: 'admin', body });
}
