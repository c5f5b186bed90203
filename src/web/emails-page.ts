// The dashboard's Emails tab: what the outbox holds and what the SMTP server answered, and each
// message as the donor sees it (its HTML in a sandboxed frame, its text part beside it).
import { html } from '../html.ts';
import { adminPage, type AdminFrame } from './admin-frame.ts';
import type { EmailRow } from '../email/outbox.ts';

const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '–');

export function emailsPage(frame: AdminFrame, m: { rows: EmailRow[]; to?: string; catcher: boolean }): string {
  return adminPage(frame, {
    title: 'Emails',
    current: '/admin/emails',
    body: html`${m.catcher ? html`<p class="notice">No SMTP_URL is set: these messages went to the embedded SMTP catcher, not to the donors.</p>` : ''}
<form method="get" action="/admin/emails" class="filter"><label for="to">Recipient</label>
<input id="to" name="to" type="email" value="${m.to ?? ''}"> <button type="submit">Filter</button></form>
<section class="card"><h2>Statements</h2>
<form method="get" action="/admin/statements" class="filter"><label for="s-email">Donor email</label>
<input id="s-email" name="email" type="email" required> <label for="s-year">Year</label>
<input id="s-year" name="year" type="number" min="2000" max="2100" value="${new Date().getUTCFullYear()}" required>
<button type="submit">Printable statement</button></form></section>
<div class="scroll" tabindex="0" role="region" aria-label="Table of emails"><table>
<thead><tr><th scope="col">Queued</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">SMTP answer</th></tr></thead>
<tbody>${m.rows.map(
    (r) => html`<tr data-email="${r.id}"><td>${when(r.createdAt)}</td><td>${r.to}</td>
<td><a href="/admin/emails/${r.id}">${r.subject}</a></td><td>${r.kind}</td>
<td data-status>${r.status}${r.attempts > 1 ? ` (${r.attempts} attempts)` : ''}${r.sentAt ? html`<br><span class="muted">${when(r.sentAt)}</span>` : ''}</td>
<td class="muted">${r.smtpResponse ?? r.lastError ?? ''}</td></tr>`,
  )}</tbody></table></div>
${m.rows.length ? '' : html`<p class="muted">No emails yet.</p>`}`,
  });
}

export function emailPage(frame: AdminFrame, e: EmailRow & { text: string; messageId: string; headers: Record<string, string> | null }): string {
  return adminPage(frame, {
    title: 'Email',
    current: '/admin/emails',
    body: html`<p><a href="/admin/emails">All emails</a></p>
<dl class="totals email-meta"><div><dt>To</dt><dd>${e.to}</dd></div><div><dt>Subject</dt><dd data-subject>${e.subject}</dd></div>
<div><dt>Status</dt><dd>${e.status}</dd></div><div><dt>Message-ID</dt><dd><code>${e.messageId}</code></dd></div>
<div><dt>SMTP answer</dt><dd>${e.smtpResponse ?? e.lastError ?? '–'}</dd></div>
${Object.entries(e.headers ?? {}).map(([name, value]) => html`<div><dt>${name}</dt><dd><code data-header="${name}">${value}</code></dd></div>`)}</dl>
<h2>As the donor sees it</h2>
<iframe class="email-frame" title="The message" src="/admin/emails/${e.id}/html" sandbox style="width:100%;height:900px;border:1px solid #ccc"></iframe>
<h2>Plain text</h2>
<pre class="email-text">${e.text}</pre>`,
  });
}
