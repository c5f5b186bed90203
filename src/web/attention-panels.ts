// Dashboard panels for what needs a person: open disputes with the date their evidence is due.
import type { OpenDispute } from '../payments/disputes.ts';
import { formatMoney } from '../money/currency.ts';
import { html, type SafeHtml } from './html.ts';

export interface AttentionModel {
  disputes: OpenDispute[];
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
</section>`;
}
