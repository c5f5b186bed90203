// /admin/offline: staff's offline gifts. A form to record one, a deposit's CSV to check (dry run)
// and import, and the latest entries, each with a void form. Plain HTML forms; the import's file
// picker (offline-import.js) only reads the chosen file into the text box, which works without it.
import type { Campaign } from '../campaigns/campaign.ts';
import type { ErrorDetail } from '../errors.ts';
import { html, type SafeHtml } from '../html.ts';
import { formatMoney } from '../money/currency.ts';
import { describeMethod, METHOD_NAMES, OFFLINE_METHODS, offlineReference, type OfflineGift } from '../offline-gifts/offline-gift.ts';
import type { ImportResult } from '../offline-gifts/offline-gift-service.ts';
import { adminPage, csrfField, type AdminFrame } from './admin-frame.ts';
import { localTime } from './admin-dashboard-page.ts';
import { errorSummary, fieldError, invalid, type Errors } from './admin-work-pages.ts';

export interface OfflineFormValues {
  campaign?: string;
  amount?: string;
  receivedOn?: string;
  method?: string;
  reference?: string;
  name?: string;
  email?: string;
  /** The form's own idempotency token: a double click records one gift. */
  token: string;
}

export interface OfflinePageModel extends AdminFrame {
  timeZone: string;
  campaigns: Campaign[];
  gifts: OfflineGift[];
  nextCursor: string | null;
  values: OfflineFormValues;
  errors?: Errors;
  csv?: string;
  importResult?: ImportResult;
  importProblems?: ErrorDetail[];
  voidErrors?: Record<string, string>;
}

const EXAMPLE = `date,amount,currency,method,reference,name,email,campaign
2026-12-01,250.00,USD,check,1042,Ann Lee,ann@example.org,end-of-year-2026
2026-12-01,1500,USD,bank_transfer,TRX-88127,Lee Family Foundation,,end-of-year-2026`;

function recordForm(m: OfflinePageModel): SafeHtml {
  const v = m.values;
  const errors = m.errors ?? {};
  return html`<section class="card" aria-labelledby="record"><h2 id="record">Record a gift</h2>
<p class="muted">A check, a bank transfer or cash. It counts in the campaign’s total at once; a donor with an email gets a receipt. Your key’s name is kept with it.</p>
${errorSummary(errors)}<form method="post" action="/admin/offline/gifts" class="donate" id="record-form">
${csrfField(m.csrf)}<input type="hidden" name="token" value="${v.token}">
<label for="campaign">Campaign</label>
<select id="campaign" name="campaign"${invalid(errors, 'campaign')}>${m.campaigns.map(
    (c) => html`<option value="${c.slug}"${c.slug === v.campaign ? ' selected' : ''}>${c.title} (${c.currency.toUpperCase()})</option>`,
  )}</select>${fieldError(errors, 'campaign')}
<label for="amount">Amount <span class="hint">(in the campaign’s currency, e.g. 250 or 250.00)</span></label>
<input id="amount" name="amount" inputmode="decimal" required value="${v.amount ?? ''}"${invalid(errors, 'amount')}>${fieldError(errors, 'amount')}
<label for="receivedOn">Date received</label>
<input id="receivedOn" name="receivedOn" type="date" required value="${v.receivedOn ?? ''}"${invalid(errors, 'receivedOn')}>${fieldError(errors, 'receivedOn')}
<label for="method">Method</label>
<select id="method" name="method"${invalid(errors, 'method')}>${OFFLINE_METHODS.map(
    (k) => html`<option value="${k}"${k === v.method ? ' selected' : ''}>${METHOD_NAMES[k]}</option>`,
  )}</select>${fieldError(errors, 'method')}
<label for="reference">Reference <span class="hint">(check number, bank reference; optional)</span></label>
<input id="reference" name="reference" maxlength="100" value="${v.reference ?? ''}"${invalid(errors, 'reference')}>${fieldError(errors, 'reference')}
<label for="name">Donor’s name <span class="hint">(optional)</span></label>
<input id="name" name="name" maxlength="100" autocomplete="off" value="${v.name ?? ''}"${invalid(errors, 'name')}>${fieldError(errors, 'name')}
<label for="email">Donor’s email <span class="hint">(optional: they get a receipt)</span></label>
<input id="email" name="email" type="email" maxlength="254" autocomplete="off" value="${v.email ?? ''}"${invalid(errors, 'email')}>${fieldError(errors, 'email')}
<button type="submit">Record the gift</button>
</form></section>`;
}

function importSection(m: OfflinePageModel): SafeHtml {
  const r = m.importResult;
  const problems = m.importProblems ?? [];
  const lines = (list: number[]) => (list.length ? list.join(', ') : 'none');
  return html`<section class="card" aria-labelledby="import"><h2 id="import">Import a deposit (CSV)</h2>
<p class="muted">One row per gift, a header first. Columns: <code>date</code> (YYYY-MM-DD), <code>amount</code> (decimal, in the campaign’s currency), <code>currency</code> (optional), <code>method</code> (check, bank_transfer or cash), <code>reference</code>, <code>name</code>, <code>email</code>, <code>campaign</code> (its slug). Check the file first: a bad row stops the whole file and nothing is written; rows imported before are skipped.</p>
<details><summary>Example</summary><pre>${EXAMPLE}</pre></details>
${problems.length
    ? html`<div class="summary" role="alert" id="import-problems"><p><strong>The file cannot be imported: nothing was written.</strong> Fix these rows and check it again:</p><ul>${problems.map(
        (p) => html`<li>${p.line ? `Line ${p.line}` : 'The file'}${p.field && p.field !== 'file' && p.field !== 'row' ? html`, <code>${p.field}</code>` : ''}: ${p.message}</li>`,
      )}</ul></div>`
    : ''}
${r
    ? html`<div class="notice" role="status" id="import-result"><p><strong>${r.dryRun ? 'Dry run: nothing was written.' : 'Imported.'}</strong> ${r.rows} row(s) in the file; ${r.dryRun ? 'would import' : 'imported'}: ${r.imported.length} (lines ${lines(r.imported)}); already imported, skipped: ${r.alreadyImported.length}${r.alreadyImported.length ? html` (lines ${lines(r.alreadyImported)})` : ''}.</p>${
        r.totals.length ? html`<ul>${r.totals.map((t) => html`<li>${t.campaign}: ${t.gifts} gift(s), ${formatMoney(t.amount, t.currency)}</li>`)}</ul>` : ''
      }</div>`
    : ''}
<form method="post" action="/admin/offline/import" class="donate" id="import-form">
${csrfField(m.csrf)}
<label for="csv-file">The deposit’s CSV file <span class="hint">(read into the box below; or paste it there)</span></label>
<input id="csv-file" type="file" accept=".csv,text/csv,text/plain" data-csv-target="csv">
<label for="csv">Rows</label>
<textarea id="csv" name="csv" rows="8" spellcheck="false" required placeholder="${EXAMPLE}">${m.csv ?? ''}</textarea>
<div class="actions"><button type="submit" name="action" value="dry-run">Check the file (dry run)</button>
<button type="submit" name="action" value="import" class="secondary">Import</button></div>
</form></section>`;
}

function giftRow(g: OfflineGift, m: OfflinePageModel): SafeHtml {
  const error = m.voidErrors?.[g.id];
  return html`<tr data-gift="${g.id}"${g.voidedAt ? ' class="voided"' : ''}><td>${g.receivedOn}</td>
<td>${g.donorName ?? '–'}${g.email ? html`<br><span class="muted">${g.email}</span>` : ''}</td><td>${g.campaign}</td>
<td>${g.voidedAt ? html`<s>${formatMoney(g.amount, g.currency)}</s>` : formatMoney(g.amount, g.currency)}</td>
<td>${describeMethod(g.method, g.reference)}<br><span class="muted">${offlineReference(g.id)}</span></td>
<td>${g.enteredBy}<br><span class="muted">${localTime(g.createdAt, m.timeZone)}</span></td>
<td>${g.voidedAt
    ? html`<strong>Voided</strong> by ${g.voidedBy}, ${localTime(g.voidedAt, m.timeZone)}<br><span class="muted">${g.voidReason}</span>`
    : html`<form method="post" action="/admin/offline/gifts/${g.id}/void" class="inline">${csrfField(m.csrf)}
<label for="reason-${g.id}" class="sr-only">Why void this entry</label>
<input id="reason-${g.id}" name="reason" maxlength="500" required placeholder="Why (kept with the gift)"${error ? html` aria-invalid="true"` : ''}>
<button type="submit" class="danger">Void</button>${error ? html`<p class="error">${error}</p>` : ''}</form>`}</td></tr>`;
}

export function offlinePage(m: OfflinePageModel): string {
  const body = html`${recordForm(m)}
${importSection(m)}
<section aria-labelledby="latest"><h2 id="latest">Latest entries</h2>
<p class="muted">A wrong entry is voided, never deleted: it leaves the total and its receipt is withdrawn by email; enter the right one again. Every entry is in the offline export (<a href="/admin/exports/offline.csv">offline.csv</a>).</p>
${m.gifts.length
    ? html`<div class="scroll" tabindex="0" role="region" aria-label="Table of offline gifts"><table>
<thead><tr><th scope="col">Received</th><th scope="col">Donor</th><th scope="col">Campaign</th><th scope="col">Amount</th><th scope="col">Method</th><th scope="col">Entered (${m.timeZone})</th><th scope="col">Void</th></tr></thead>
<tbody>${m.gifts.map((g) => giftRow(g, m))}</tbody></table></div>`
    : html`<p class="muted">No offline gift yet.</p>`}
${m.nextCursor ? html`<nav class="pager" aria-label="Pages"><a href="/admin/offline?${String(new URLSearchParams({ cursor: m.nextCursor }))}" rel="next">Older →</a></nav>` : ''}
</section>`;
  return adminPage(m, { title: 'Offline gifts', current: '/admin/offline', body, scripts: ['/assets/offline-import.js'] });
}
