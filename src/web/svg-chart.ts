// A bar chart of daily amounts, drawn on the server as SVG: no script, no library, readable by
// screen readers through its title. Positions are percentages of the chart's width and the SVG has
// no viewBox, so its text keeps its real size on a phone instead of shrinking with the drawing.
import type { DailyAmount } from '../admin/dashboard-repository.ts';
import type { Campaign } from '../campaigns/campaign.ts';
import { formatMoney } from '../money/currency.ts';
import { html, type SafeHtml } from './html.ts';
import { longMoment } from './donation-page.ts';

const HEIGHT = 240;
const TOP = 24;
const BOTTOM = 28;
const PLOT = HEIGHT - TOP - BOTTOM;

/** A round top for the y-axis (1, 2 or 5 times a power of ten) at or above the highest day. */
export function axisTop(max: number): number {
  if (max <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= max)!;
}

const pct = (n: number) => `${n.toFixed(2)}%`;

export function dailyChart(series: DailyAmount[], currency: string, campaign: Pick<Campaign, 'slug' | 'startsAt' | 'timezone'>): SafeHtml {
  const total = series.reduce((sum, d) => sum + d.raised, 0);
  const caption = html`<figcaption>Raised per day (${currency.toUpperCase()}), days in the campaign’s time zone (${campaign.timezone}).</figcaption>`;
  if (!series.length || total === 0) {
    const when = series.length
      ? html`Nothing has been raised since the campaign opened on ${longMoment(campaign.startsAt, campaign.timezone)}.`
      : html`The campaign opens on ${longMoment(campaign.startsAt, campaign.timezone)}; the chart starts on its first day.`;
    return html`<figure class="chart chart-empty"><p><strong>No gifts yet.</strong> ${when}</p>${caption}</figure>`;
  }
  const max = Math.max(...series.map((d) => d.raised));
  const top = axisTop(max) || 1;
  const y = (amount: number) => TOP + PLOT - Math.round((amount / top) * PLOT);
  const slot = 100 / series.length;
  const grid = [0, top / 2, top].map(
    (v) => html`<line x1="0" x2="100%" y1="${y(v)}" y2="${y(v)}" class="${v === 0 ? 'axis' : 'gridline'}"/>
<text x="0" y="${y(v) - 4}" class="y-label">${formatMoney(Math.round(v), currency)}</text>`,
  );
  const bars = series.map((d, i) => {
    const tip = `${d.day}: ${formatMoney(d.raised, currency)} from ${d.donations} donation${d.donations === 1 ? '' : 's'}`;
    return html`<rect class="chart-bar" x="${pct(i * slot + slot * 0.15)}" y="${y(d.raised)}" width="${pct(slot * 0.7)}" height="${TOP + PLOT - y(d.raised)}" data-day="${d.day}" data-raised="${d.raised}"><title>${tip}</title></rect>`;
  });
  // First and last day always; on wide screens a label a week (CSS hides those on phones).
  const ticks = series
    .map((d, i) => ({ d, i, edge: i === 0 || i === series.length - 1 }))
    .filter(({ i, edge }) => edge || (i % 7 === 0 && i < series.length - 3))
    .map(({ d, i, edge }) => {
      const anchor = series.length === 1 ? 'middle' : i === 0 ? 'start' : i === series.length - 1 ? 'end' : 'middle';
      const x = anchor === 'start' ? pct(i * slot) : anchor === 'end' ? pct((i + 1) * slot) : pct(i * slot + slot / 2);
      return html`<text x="${x}" y="${HEIGHT - 8}" text-anchor="${anchor}" class="${edge ? 'x-label' : 'x-label minor'}">${d.day.slice(5)}</text>`;
    });
  return html`<figure class="chart">
<svg width="100%" height="${HEIGHT}" role="img" aria-labelledby="chart-title-${campaign.slug}" data-chart>
<title id="chart-title-${campaign.slug}">Raised per day, ${series[0]!.day} to ${series.at(-1)!.day}: ${formatMoney(total, currency)} in all; highest day ${formatMoney(max, currency)}</title>
${grid}
${bars}
${ticks}
</svg>
${caption}
</figure>`;
}
