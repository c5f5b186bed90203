// The HTML shell of every message: one table-free column with inline styles (mail clients drop
// <style> and external sheets), no images and no scripts, so that nothing loads from elsewhere.
import { html, type SafeHtml } from '../web/html.ts';

export function emailDocument(o: { title: string; orgName: string; body: SafeHtml; footer?: SafeHtml }): string {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${o.title}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4;color:#1c1c1c;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;padding:24px 16px;background:#ffffff">
<p style="margin:0 0 16px;font-size:14px;color:#555555">${o.orgName}</p>
${o.body}
${o.footer ?? ''}
</div>
</body>
</html>`.value;
}

/** One email as the outbox takes it: the HTML document and its text part, under one subject. */
export function composeEmail(o: { subject: string; orgName: string; body: SafeHtml; footer?: SafeHtml; text: string[] }) {
  return {
    subject: o.subject,
    html: emailDocument({ title: o.subject, orgName: o.orgName, body: o.body, footer: o.footer }),
    text: o.text.join('\n'),
  };
}

/** A label/value list that stays readable on a phone (no tables). */
export function facts(rows: Array<[string, SafeHtml | string]>): SafeHtml {
  return html`<dl style="margin:16px 0;padding:0">${rows.map(
    ([label, value]) => html`<dt style="margin:8px 0 0;font-size:14px;color:#555555">${label}</dt><dd style="margin:0;font-weight:bold">${value}</dd>`,
  )}</dl>`;
}

/** The text part's equivalent: `Label: value` lines. */
export function textFacts(rows: Array<[string, string]>): string {
  return rows.map(([label, value]) => `${label}: ${value}`).join('\n');
}
