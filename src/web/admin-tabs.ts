// The dashboard's tabs: each section of the staff pages is a page of its own.
import { html } from './html.ts';

export function adminTabs(current: 'dashboard' | 'emails' | 'monthly') {
  return html`<nav class="tabs" aria-label="Dashboard sections">
<a href="/admin"${current === 'dashboard' ? html` aria-current="page"` : ''}>Campaigns</a>
<a href="/admin/monthly"${current === 'monthly' ? html` aria-current="page"` : ''}>Monthly donors</a>
<a href="/admin/emails"${current === 'emails' ? html` aria-current="page"` : ''}>Emails</a></nav>`;
}
