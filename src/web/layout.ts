// Every page's frame: the organisation's header and footer (the trust signals a donor looks
// for: who asks, how to reach them, what happens to their data, whether the gift is deductible),
// the stylesheet, the favicon and the accent colour. Pages work without any script.
import type { OrgConfig } from '../config.ts';
import { html, raw, type SafeHtml } from './html.ts';

/** What a page shows of the organisation: config.org, or just a name where none is given. */
export type Org = Pick<OrgConfig, 'name' | 'accentColor'> &
  Partial<Pick<OrgConfig, 'logoUrl' | 'siteUrl' | 'privacyUrl' | 'contactEmail' | 'taxId'>>;

export interface PageOptions {
  title: string;
  body: SafeHtml;
  description?: string;
  scripts?: string[];
  bodyClass?: string;
  /** Extra markup for <head> (a page's own meta tags). */
  head?: SafeHtml;
  org?: Org;
  /** The widget is a frame in someone else's page: no header or footer of ours. */
  bare?: boolean;
  /** The footer offers monthly donors their self-service page (/manage). */
  manageLink?: boolean;
}

/** A padlock drawn inline: an emoji may have no glyph in the reader's fonts. */
export const lockIcon = raw(
  '<svg class="icon" aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="14" height="14"><path fill="currentColor" d="M4 7V5a4 4 0 1 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 1 0-4 0z"/></svg>',
);

function siteHeader(org: Org): SafeHtml {
  const brand = html`${org.logoUrl ? html`<img src="${org.logoUrl}" alt="" height="32">` : ''}<span>${org.name}</span>`;
  return html`<header class="site-header"><div class="site-inner">
${org.siteUrl ? html`<a class="brand" href="${org.siteUrl}">${brand}</a>` : html`<span class="brand">${brand}</span>`}
<span class="secure-note">${lockIcon} Secure donation</span>
</div></header>`;
}

/** Where a monthly donor changes, pauses or cancels their gift (a link by email, src/manage/). */
export const MANAGE_PATH = '/manage';

function siteFooter(org: Org, manageLink = false): SafeHtml {
  const links = [
    manageLink ? html`<a href="${MANAGE_PATH}">Manage your monthly gift</a>` : '',
    org.siteUrl ? html`<a href="${org.siteUrl}">${org.name}</a>` : '',
    org.contactEmail ? html`<a href="mailto:${org.contactEmail}">${org.contactEmail}</a>` : '',
    org.privacyUrl ? html`<a href="${org.privacyUrl}">Privacy policy</a>` : '',
  ].filter(Boolean);
  return html`<footer class="site-footer"><div class="site-inner">
<p>${org.taxId
    ? html`${org.name} is a nonprofit organisation (tax ID ${org.taxId}). Gifts are tax-deductible to the extent the law allows.`
    : html`Donations to ${org.name}.`} Payments are processed by Stripe; we never see your card.</p>
${links.length ? html`<p class="footer-links">${links.map((l, i) => html`${i ? ' · ' : ''}${l}`)}</p>` : ''}
</div></footer>`;
}

export function page(options: PageOptions): string {
  const org = options.org;
  const chrome = org && !options.bare;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
${org ? html`<style>:root { --accent: ${org.accentColor}; }</style>` : ''}
${options.head ?? ''}
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body class="${options.bodyClass ?? ''}">
<a class="skip" href="#main">Skip to content</a>
${chrome ? siteHeader(org) : ''}
<main id="main">
${options.body}
</main>
${chrome ? siteFooter(org, options.manageLink) : ''}
</body>
</html>`.value;
}
