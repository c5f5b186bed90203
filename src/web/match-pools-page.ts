// The dashboard's Match pools section: every campaign's pools with cap, allocated and remaining,
// a form to create one and to change it, a button to close it, and matches.csv for invoicing.
import type { Campaign } from '../campaigns/campaign.ts';
import type { PoolView } from '../matching/match-schemas.ts';
import { formatMoney } from '../money/currency.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminPage, csrfField, type AdminFrame } from './admin-frame.ts';
import { localTime } from './admin-dashboard-page.ts';
import { errorSummary, fieldError, invalid, type Errors } from './admin-work-pages.ts';

export interface PoolFormValues {
  campaign?: string;
  sponsor?: string;
  cap?: string;
  perDonorCap?: string;
  multiplier?: string;
  startsAt?: string;
  endsAt?: string;
  qualifies?: string;
  monthly?: string;
  monthlyInstallments?: string;
}

const QUALIFY_LABELS: Record<string, string> = { all: 'All gifts', first_time: 'First-time donors only' };

function stateOf(p: PoolView): string {
  if (p.closedAt) return 'Closed';
  if (p.remaining === 0) return 'Used up';
  return p.open ? 'Open' : 'Outside its window';
}

function monthlyRule(p: PoolView): string {
  return p.monthly === 'installments' ? `First installment, as ${p.monthlyInstallments}` : 'First installment';
}

function poolRows(pools: PoolView[], csrf: string, timeZone: string): SafeHtml {
  return html`<div class="table-wrap"><table><caption class="sr-only">Match pools</caption><thead><tr><th scope="col">Sponsor</th><th scope="col">Match</th>
<th scope="col">Who qualifies</th><th scope="col">Monthly gifts</th><th scope="col">Window (${timeZone})</th><th scope="col">Cap</th><th scope="col">Allocated</th>
<th scope="col">Remaining</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead><tbody>
${pools.map((p) => html`<tr data-pool="${p.id}"><td>${p.sponsor}</td><td>${p.multiplier}x${p.perDonorCap ? html`<br><small>up to ${formatMoney(p.perDonorCap, p.currency)} a donor</small>` : ''}</td>
<td>${QUALIFY_LABELS[p.qualifies]}</td><td>${monthlyRule(p)}</td>
<td>${localTime(new Date(p.startsAt), timeZone)} to ${localTime(new Date(p.endsAt), timeZone)}</td>
<td data-field="cap">${formatMoney(p.cap, p.currency)}</td><td data-field="allocated">${formatMoney(p.allocated, p.currency)}</td>
<td data-field="remaining">${formatMoney(p.remaining, p.currency)}</td><td>${stateOf(p)}</td>
<td class="actions"><a href="/admin/match-pools/${p.id}/edit">Edit<span class="sr-only"> ${p.sponsor}</span></a>
${p.closedAt ? '' : html`<form method="post" action="/admin/match-pools/${p.id}/close">${csrfField(csrf)}<button type="submit" class="secondary small">Close<span class="sr-only"> ${p.sponsor}</span></button></form>`}</td></tr>`)}
</tbody></table></div>`;
}

export function matchPoolsPage(m: AdminFrame & { campaigns: Array<{ campaign: Campaign; pools: PoolView[] }>; timeZone: string; values: PoolFormValues; errors?: Errors }): string {
  const body = html`<p>A sponsor matches gifts to a campaign up to a cap. A gift takes its match when its payment is recorded; a refund or a lost dispute gives it back.</p>
<p><a class="button secondary" href="/admin/exports/matches.csv" download>Every match (matches.csv)</a></p>
${m.campaigns.map(({ campaign, pools }) => html`<section aria-labelledby="pools-${campaign.slug}"><h2 id="pools-${campaign.slug}">${campaign.title}</h2>
${pools.length ? poolRows(pools, m.csrf, m.timeZone) : html`<p>No match pool yet.</p>`}
${pools.length ? html`<p><a href="/admin/exports/matches.csv?campaign=${campaign.slug}" download>Matches of this campaign (CSV)</a></p>` : ''}</section>`)}
<section aria-labelledby="new-pool"><h2 id="new-pool">New match pool</h2>
${poolForm({ ...m, mode: 'new', action: '/admin/match-pools', campaigns: m.campaigns.map((c) => c.campaign) })}</section>`;
  return adminPage(m, { title: 'Match pools', current: '/admin/match-pools', body });
}

export function matchPoolEditPage(m: AdminFrame & { pool: PoolView; values: PoolFormValues; errors?: Errors }): string {
  const body = html`<p>${formatMoney(m.pool.allocated, m.pool.currency)} of ${formatMoney(m.pool.cap, m.pool.currency)} allocated; the cap cannot go under it.</p>
${poolForm({ ...m, mode: 'edit', action: `/admin/match-pools/${m.pool.id}`, campaigns: [] })}
<p><a href="/admin/match-pools">Back to the match pools</a></p>`;
  return adminPage(m, { title: `Edit ${m.pool.sponsor}`, current: '', body });
}

function poolForm(m: { csrf: string; mode: 'new' | 'edit'; action: string; campaigns: Campaign[]; values: PoolFormValues; errors?: Errors }): SafeHtml {
  const v = m.values;
  const e = m.errors ?? {};
  const input = (name: keyof PoolFormValues, label: string, hint: string, attrs: SafeHtml | '' = '') =>
    html`<label for="${name}">${label}${hint ? html` <span class="hint">(${hint})</span>` : ''}</label>
<input id="${name}" name="${name}" value="${v[name] ?? ''}"${attrs}${invalid(e, name)}>${fieldError(e, name)}`;
  const select = (name: keyof PoolFormValues, label: string, options: Array<[string, string]>) =>
    html`<label for="${name}">${label}</label><select id="${name}" name="${name}"${invalid(e, name)}>${options.map(
      ([value, text]) => html`<option value="${value}"${v[name] === value ? html` selected` : ''}>${text}</option>`,
    )}</select>${fieldError(e, name)}`;
  return html`${errorSummary(e)}
<form method="post" action="${m.action}" class="donate pool-edit" novalidate>
${csrfField(m.csrf)}
${m.mode === 'new' ? select('campaign', 'Campaign', m.campaigns.map((c) => [c.slug, c.title])) : ''}
${input('sponsor', 'Sponsor', 'named on the donation page', html` required maxlength="200"`)}
${input('cap', 'Cap', 'the most the sponsor gives, in major units, e.g. 10000', html` inputmode="decimal" required`)}
${input('perDonorCap', 'Cap per donor', 'optional, major units')}
${input('multiplier', 'Multiplier', '1 matches dollar for dollar, 2 doubles', html` inputmode="numeric" required`)}
${select('qualifies', 'Who qualifies', [['all', 'All gifts'], ['first_time', 'First-time donors only']])}
${select('monthly', 'Monthly gifts', [['first_installment', 'Matched on their first installment'], ['installments', 'First installment counted as N installments']])}
${input('monthlyInstallments', 'N installments', 'with the rule above, e.g. 12', html` inputmode="numeric"`)}
${input('startsAt', 'Opens on', m.mode === 'new' ? 'empty: the campaign\u2019s start' : 'empty: unchanged', html` type="date"`)}
${input('endsAt', 'Last day', m.mode === 'new' ? 'empty: the campaign\u2019s end' : 'empty: unchanged', html` type="date"`)}
<button type="submit">${m.mode === 'new' ? 'Create the pool' : 'Save the pool'}</button>
</form>`;
}
