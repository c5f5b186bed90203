// The embeddable progress widget: one small frameable page, live through progress.js, with a
// donate link that opens the donation page outside the frame.
import type { Progress } from '../campaigns/campaign-service.ts';
import { html } from './html.ts';
import { page } from './layout.ts';
import { progressBlock } from './donation-page.ts';

export function widgetPage(model: { title: string; slug: string; progress: Progress; donateUrl: string }): string {
  return page({
    title: `${model.title}: progress`,
    bodyClass: 'widget',
    scripts: ['/assets/progress.js'],
    body: html`<h1 class="widget-title">${model.title}</h1>
${progressBlock(model.progress)}
<p><a class="button" href="${model.donateUrl}" target="_blank" rel="noopener">Donate</a></p>`,
  });
}
