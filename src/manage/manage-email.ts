// The email that carries a manage link to an address typed on the "Manage my donation" form.
import type { OrgConfig } from '../config.ts';
import { composeEmail } from '../email/email-document.ts';
import { html } from '../web/html.ts';

export function renderManageLinkEmail(o: { org: OrgConfig; url: string; hours: number }) {
  const subject = `Your link to manage your donations to ${o.org.name}`;
  const sentence = `Someone, we hope you, asked for a link to manage the donations made with this address. It works for ${o.hours} hours.`;
  const ignore = 'If it was not you, ignore this email: nothing changes without the link.';
  return composeEmail({
    subject,
    orgName: o.org.name,
    body: html`<h1 style="margin:0 0 16px;font-size:22px">Manage your donations</h1>
<p style="margin:16px 0">${sentence}</p>
<p style="margin:24px 0"><a href="${o.url}" style="color:#1a5fb4;font-weight:bold">Manage your donations</a></p>
<p style="margin:16px 0;font-size:14px">${ignore}</p>`,
    text: [sentence, '', `Manage your donations: ${o.url}`, '', ignore, '', o.org.name],
  });
}
