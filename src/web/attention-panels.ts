// Dashboard panels for what needs a person: open disputes with the date their evidence is due,
// monthly gifts whose payments fail (with Stripe's next attempt), and the monthly revenue of the
// gifts that run (a failing or cancelled gift is not revenue).
import type { OpenDispute } from '../payments/disputes.ts';
import type { FailingMonthlyGift, MonthlyRevenue } from '../pledges/dunning.ts';
import { formatMoney } from '../money/currency.ts';
import { html, type SafeHtml } from './html.ts';

export interface AttentionModel {
  disputes: OpenDispute[];
  failingMonthly: FailingMonthlyGift[];
  monthlyRevenue: MonthlyRevenue[];
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '–');

export function attentionPanels(m: AttentionModel | undefined): SafeHtml {
  if (!m) return html``;
  return html`<section class="card" aria-labelledby="disputes"><h2 id="disputes">Open disputes</h2>
${
  m.disputes.length
    ? html`<div class="scroll"><table data-list="disputes">
<thead><tr><th scope="col">Evidence due</th><th scope="col">Status</th><th scope="col">Campaign</th><th scope="col">Donor</th><th scope="col">Amount</th><th scope="col">Dispute</th></tr></thead>
<tbody>${m.disputes.map(
        (d) => html`<tr data-dispute="${d.id}"><td>${day(d.evidenceDueBy)}</td><td>${d.status.replace(/_/g, ' ')}${d.reason ? html` (${d.reason})` : ''}</td>
<td>${d.campaign ?? '–'}</td><td>${d.name ?? ''}<br><span class="muted">${d.email ?? ''}</span></td>
<td>${formatMoney(d.amount, d.currency)}</td><td><code>${d.id}</code><br><span class="muted">${d.chargeId ?? ''}</span></td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">None: no dispute or inquiry is waiting on an answer.</p>`
}
</section>
<section class="card" aria-labelledby="monthly"><h2 id="monthly">Monthly gifts</h2>
<p data-figure="monthly-revenue">Monthly revenue (running gifts only): ${
  m.monthlyRevenue.length
    ? m.monthlyRevenue.map((r, i) => html`${i ? ', ' : ''}<strong data-currency="${r.currency}">${formatMoney(r.amount, r.currency)}</strong> from ${r.donors} donor${r.donors === 1 ? '' : 's'}`)
    : html`<strong>none</strong>`
}</p>
${
  m.failingMonthly.length
    ? html`<div class="scroll"><table data-list="failing-monthly">
<thead><tr><th scope="col">State</th><th scope="col">Campaign</th><th scope="col">Donor</th><th scope="col">Gift</th><th scope="col">Attempts</th><th scope="col">Next attempt</th></tr></thead>
<tbody>${m.failingMonthly.map(
        (g) => html`<tr data-pledge="${g.pledgeId}"><td>${g.subscriptionStatus.replace(/_/g, ' ')}${g.actionRequired ? html`, <strong>donor must confirm</strong>` : ''}</td>
<td>${g.campaign}</td><td>${g.name ?? ''}<br><span class="muted">${g.email}</span></td><td>${formatMoney(g.amount, g.currency)} / month</td>
<td>${g.attemptCount}</td><td>${g.nextPaymentAttempt ? day(g.nextPaymentAttempt) : 'none (retries over)'}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No monthly gift is failing.</p>`
}
</section>`;
}
