// /admin/monthly: the staff's view of monthly donors: who gives, who paused, who cancelled and
// when, and the monthly revenue, which counts only gifts still running (not paused or cancelled).
import { Router } from 'express';
import { formatMoney } from '../money/currency.ts';
import { adminTabs } from '../web/admin-tabs.ts';
import { html } from '../web/html.ts';
import { page } from '../web/layout.ts';
import type { ManageRepository, MonthlyDonor } from './manage-repository.ts';

const CANCELLED_BY: Record<string, string> = {
  donor: 'the donor (manage page)',
  cancellation_requested: 'the donor (Stripe customer portal) or staff in Stripe',
  payment_failed: 'Stripe, after failed payments',
  payment_disputed: 'Stripe, after a dispute',
};

export function monthlyRevenue(donors: MonthlyDonor[]): Array<{ currency: string; amount: number; donors: number }> {
  const sums = new Map<string, { currency: string; amount: number; donors: number }>();
  for (const d of donors) {
    if (d.state !== 'active' && d.state !== 'past_due') continue;
    const s = sums.get(d.currency) ?? { currency: d.currency, amount: 0, donors: 0 };
    s.amount += d.amount;
    s.donors += 1;
    sums.set(d.currency, s);
  }
  return [...sums.values()];
}

function monthlyPage(donors: MonthlyDonor[]): string {
  const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '');
  return page({
    title: 'Monthly donors',
    bodyClass: 'admin',
    body: html`<header class="admin-bar"><h1>Monthly donors</h1></header>
${adminTabs('monthly')}
<dl class="totals">${monthlyRevenue(donors).map(
      (r) => html`<div><dt>Monthly revenue ${r.currency.toUpperCase()}</dt><dd data-revenue="${r.currency}">${formatMoney(r.amount, r.currency)} (${r.donors} active)</dd></div>`,
    )}</dl>
<div class="scroll"><table><thead><tr><th scope="col">Since</th><th scope="col">Donor</th><th scope="col">Campaign</th><th scope="col">Monthly</th><th scope="col">State</th></tr></thead>
<tbody>${donors.map(
      (d) => html`<tr data-pledge="${d.id}"><td>${when(d.createdAt)}</td><td>${d.name ?? ''}<br><span class="muted">${d.email}</span></td>
<td>${d.campaignTitle}</td><td>${formatMoney(d.amount, d.currency)}</td>
<td data-state>${d.state}${d.state === 'cancelled' && d.cancelledAt ? html`<br><span class="muted">by ${CANCELLED_BY[d.cancelledBy ?? ''] ?? d.cancelledBy ?? 'Stripe'} on ${when(d.cancelledAt)}</span>` : ''}</td></tr>`,
    )}</tbody></table></div>
${donors.length ? '' : html`<p class="muted">No monthly donors yet.</p>`}`,
  });
}

export function monthlyStaffRoutes(repository: ManageRepository): Router {
  const router = Router();
  router.get('/monthly', async (_req, res) => {
    res.type('html').send(monthlyPage(await repository.monthlyDonors(500)));
  });
  return router;
}
