// The digest's emails: the confirmation (double opt-in), the welcome once confirmed, and the note
// to an address that is already subscribed. Every one carries the one-click unsubscribe of RFC 8058
// (List-Unsubscribe with the https link, and a mailto when staff read one; List-Unsubscribe-Post)
// and the same link in its body, so that nobody has to hunt for the way out.
import type { OrgConfig } from '../config.ts';
import { composeEmail } from '../email/email-document.ts';
import { html, type SafeHtml } from '../html.ts';

export interface Unsubscribe {
  /** https://.../digest/unsubscribe/<token>: GET shows a button, POST unsubscribes (one click). */
  url: string;
  /** A mailbox staff read, if any. */
  mailto?: string;
  token: string;
}

export function unsubscribeHeaders(u: Unsubscribe): Record<string, string> {
  const mailto = u.mailto ? `, <mailto:${u.mailto}?subject=${encodeURIComponent(`unsubscribe ${u.token}`)}>` : '';
  return { 'List-Unsubscribe': `<${u.url}>${mailto}`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

function compose(o: { org: OrgConfig; subject: string; heading: string; paragraphs: string[]; action?: { url: string; label: string }; unsubscribe: Unsubscribe }) {
  const leave = 'Unsubscribe';
  const footer: SafeHtml = html`<p style="margin:32px 0 0;font-size:13px;color:#555555">You get this email because this address was signed up for the daily digest of ${o.org.name}. <a href="${o.unsubscribe.url}" style="color:#555555">${leave}</a> (one click, no sign-in).</p>`;
  return {
    ...composeEmail({
      subject: o.subject,
      orgName: o.org.name,
      body: html`<h1 style="margin:0 0 16px;font-size:22px">${o.heading}</h1>
${o.paragraphs.map((p) => html`<p style="margin:16px 0">${p}</p>`)}
${o.action ? html`<p style="margin:24px 0"><a href="${o.action.url}" style="color:#1a5fb4;font-weight:bold">${o.action.label}</a></p>` : ''}`,
      footer,
      text: [
        ...o.paragraphs.flatMap((p) => [p, '']),
        ...(o.action ? [`${o.action.label}: ${o.action.url}`, ''] : []),
        `${leave}: ${o.unsubscribe.url}`,
        '',
        o.org.name,
      ],
    }),
    headers: unsubscribeHeaders(o.unsubscribe),
  };
}

export function renderConfirmEmail(o: { org: OrgConfig; confirmUrl: string; days: number; unsubscribe: Unsubscribe }) {
  return compose({
    org: o.org,
    subject: `Confirm your subscription to the ${o.org.name} daily digest`,
    heading: 'Confirm your subscription',
    paragraphs: [
      `Someone, we hope you, asked for the daily digest of ${o.org.name} at this address. Confirm it with the link below; it works for ${o.days} days.`,
      'If it was not you, ignore this email: without the confirmation nothing more is sent.',
    ],
    action: { url: o.confirmUrl, label: 'Confirm my subscription' },
    unsubscribe: o.unsubscribe,
  });
}

export function renderWelcomeEmail(o: { org: OrgConfig; unsubscribe: Unsubscribe }) {
  return compose({
    org: o.org,
    subject: `You are subscribed to the ${o.org.name} daily digest`,
    heading: 'You are subscribed',
    paragraphs: [`Thank you: the daily digest of ${o.org.name} will come to this address. Every one has a link to unsubscribe.`],
    unsubscribe: o.unsubscribe,
  });
}

export function renderAlreadySubscribedEmail(o: { org: OrgConfig; unsubscribe: Unsubscribe }) {
  return compose({
    org: o.org,
    subject: `You are already subscribed to the ${o.org.name} daily digest`,
    heading: 'Already subscribed',
    paragraphs: [
      `Someone, we hope you, asked for the daily digest of ${o.org.name} at this address. It already comes here, so nothing changes.`,
      'If you would rather not get it, unsubscribe below.',
    ],
    unsubscribe: o.unsubscribe,
  });
}
