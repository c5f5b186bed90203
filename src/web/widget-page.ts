// The embeddable progress widget: one small frameable page, live through progress.js, sized for
// the iframe the README recommends (320 x 220), with a donate link that opens the donation page
// in a new tab, outside the frame, and says so.
import type { Progress } from '../campaigns/campaign-service.ts';
import { html } from './html.ts';
import { page, type Org } from './layout.ts';
import { progressBlock, type CampaignWindow } from './donation-page.ts';

export function widgetPage(model: { title: string; progress: Progress; window: CampaignWindow; donateUrl: string; org?: Org }): string {
  const action = model.window.state === 'closed' ? 'See the campaign' : model.window.state === 'upcoming' ? 'Learn more' : 'Donate';
  return page({
    title: `${model.title}: progress`,
    bodyClass: 'widget',
    bare: true,
    org: model.org,
    scripts: ['/assets/progress.js'],
    body: html`<h1 class="widget-title">${model.title}</h1>
${progressBlock(model.progress, model.window)}
<p class="widget-action"><a class="button" href="${model.donateUrl}" target="_blank" rel="noopener">${action}<span class="sr-only"> (opens in a new tab)</span> <span aria-hidden="true">↗</span></a></p>`,
  });
}
