// The dashboard's pages for what needs a person: open disputes with the date their evidence is
// due (a section of its own), and monthly gifts whose payments fail, with Stripe's next attempt
// (a table on the Monthly donors page).
import type { OpenDispute } from '../payments/disputes.ts';
import type { FailingMonthlyGift } from '../pledges/dunning.ts';
import { formatMoney } from '../money/currency.ts';
import { adminPage, type AdminFrame } from './admin-frame.ts';
import { html, type SafeHtml } from '../html.ts';

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '–');

export function disputesPage(m: AdminFrame & { disputes: OpenDispute[] }): string {
  const body = html`<section class="card" aria-labelledby="disputes"><h2 id="disputes">Open disputes</h2>
${
  m.disputes.length
    ? html`<div class="scroll" tabindex="0" role="region" aria-label="Table of open disputes"><table data-list="disputes">
<thead><tr><th scope="col">Evidence due</th><th scope="col">Status</th><th scope="col">Campaign</th><th scope="col">Donor</th><th scope="col">Amount</th><th scope="col">Dispute</th></tr></thead>
<tbody>${m.disputes.map(
        (d) => html`<tr data-dispute="${d.id}"><td>${day(d.evidenceDueBy)}</td><td>${d.status.replace(/_/g, ' ')}${d.reason ? html` (${d.reason})` : ''}</td>
<td>${d.campaign ?? '–'}</td><td>${d.name ?? ''}<br><span class="muted">${d.email ?? ''}</span></td>
<td>${formatMoney(d.amount, d.currency)}</td><td><code>${d.id}</code><br><span class="muted">${d.chargeId ?? ''}</span></td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">None: no dispute or inquiry is waiting on an answer.</p>`
}
</section>`;
  return adminPage(m, { title: 'Open disputes', current: '/admin/disputes', body });
}

/** Failing monthly gifts: their dunning state, Stripe's attempts so far and its next one. */
export function failingMonthlyTable(failing: FailingMonthlyGift[]): SafeHtml {
  return html`<section class="card" aria-labelledby="failing-title"><h2 id="failing-title">Failing monthly gifts</h2>
${
  failing.length
    ? html`<div class="scroll" tabindex="0" role="region" aria-label="Table of failing monthly gifts"><table data-list="failing-monthly">
<thead><tr><th scope="col">State</th><th scope="col">Campaign</th><th scope="col">Donor</th><th scope="col">Gift</th><th scope="col">Attempts</th><th scope="col">Next attempt</th></tr></thead>
<tbody>${failing.map(
        (g) => html`<tr data-failing="${g.pledgeId}"><td>${g.subscriptionStatus.replace(/_/g, ' ')}${g.actionRequired ? html`, <strong>donor must confirm</strong>` : ''}</td>
<td>${g.campaign}</td><td>${g.name ?? ''}<br><span class="muted">${g.email}</span></td><td>${formatMoney(g.amount, g.currency)} / month</td>
<td>${g.attemptCount}</td><td>${g.nextPaymentAttempt ? day(g.nextPaymentAttempt) : 'none (retries over)'}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">No monthly gift is failing.</p>`
}
</section>`;
}
