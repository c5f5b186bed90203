// The dashboard's frame, shared by its pages: the title bar with sign-out, the navigation
// between the pages staff work in, and the notice a finished action leaves.
import { html, type SafeHtml } from '../html.ts';
import { page, type Org } from './layout.ts';

export interface AdminFrame {
  label: string;
  csrf: string;
  org?: Org;
  notice?: string;
}

const SECTIONS = [
  { href: '/admin', name: 'Overview' },
  { href: '/admin/payments', name: 'Payments' },
  { href: '/admin/monthly', name: 'Monthly donors' },
  { href: '/admin/disputes', name: 'Open disputes' },
  { href: '/admin/offline', name: 'Offline gifts' },
  { href: '/admin/match-pools', name: 'Match pools' },
  { href: '/admin/emails', name: 'Emails' },
  { href: '/admin/campaigns/new', name: 'New campaign' },
];

export const csrfField = (csrf: string) => html`<input type="hidden" name="csrf" value="${csrf}">`;

export function adminPage(frame: AdminFrame, o: { title: string; current: string; body: SafeHtml; scripts?: string[] }): string {
  return page({
    scripts: o.scripts,
    title: `${o.title} – dashboard`,
    bodyClass: 'admin',
    org: frame.org,
    body: html`<header class="admin-bar"><h1>${o.title}</h1>
<form method="post" action="/admin/sign-out">${csrfField(frame.csrf)}<button type="submit" class="secondary">Sign out (${frame.label})</button></form></header>
<nav class="admin-nav" aria-label="Dashboard"><ul>${SECTIONS.map(
      (s) => html`<li><a href="${s.href}"${s.href === o.current ? html` aria-current="page"` : ''}>${s.name}</a></li>`,
    )}</ul></nav>
${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}
${o.body}`,
  });
}
