// A bar chart of daily amounts, drawn on the server as SVG: no script, no library, readable by
// screen readers through its title and the data table beside it.
import type { DailyAmount } from '../admin/dashboard-repository.ts';
import { formatMoney } from '../money/currency.ts';
import { html, raw, type SafeHtml } from './html.ts';

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 8, bottom: 28, left: 8 };

export function dailyChart(series: DailyAmount[], currency: string, label: string): SafeHtml {
  const max = Math.max(1, ...series.map((d) => d.raised));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, series.length);
  const bars = series
    .map((d, i) => {
      const h = Math.round((d.raised / max) * plotH);
      const x = (PAD.left + i * slot + slot * 0.15).toFixed(1);
      const y = PAD.top + plotH - h;
      const tip = `${d.day}: ${formatMoney(d.raised, currency)} from ${d.donations} donation${d.donations === 1 ? '' : 's'}`;
      return html`<rect class="chart-bar" x="${x}" y="${y}" width="${(slot * 0.7).toFixed(1)}" height="${h}" data-day="${d.day}" data-raised="${d.raised}"><title>${tip}</title></rect>`;
    });
  const ticks = series
    .filter((_, i) => i === 0 || i === series.length - 1 || (series.length > 10 && i % 7 === 0))
    .map((d) => {
      const i = series.indexOf(d);
      return html`<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${HEIGHT - 8}" text-anchor="middle">${d.day.slice(5)}</text>`;
    });
  const total = series.reduce((sum, d) => sum + d.raised, 0);
  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title-${label}" data-chart>
<title id="chart-title-${label}">Raised per day, ${series[0]?.day ?? ''} to ${series.at(-1)?.day ?? ''}: ${formatMoney(total, currency)} in all; highest day ${formatMoney(max === 1 && total === 0 ? 0 : max, currency)}</title>
${raw(`<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${WIDTH - PAD.right}" y2="${PAD.top + plotH}" class="axis"/>`)}
${bars}
${ticks}
</svg>
<figcaption>Raised per day (${currency.toUpperCase()}), in the campaign’s time zone. Peak: ${formatMoney(max === 1 && total === 0 ? 0 : max, currency)}.</figcaption>
</figure>`;
}
