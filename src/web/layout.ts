import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  description?: string;
  scripts?: string[];
  bodyClass?: string;
  /** Extra markup for <head> (a page's own meta tags). */
  head?: SafeHtml;
}

export function page(options: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
<link rel="stylesheet" href="/assets/site.css">
${options.head ?? ''}
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</head>
<body class="${options.bodyClass ?? ''}">
<a class="skip" href="#main">Skip to content</a>
<main id="main">
${options.body}
</main>
</body>
</html>`.value;
}
