// The receipt and the refund notice, as an HTML part and a plain-text part. Every value goes
// through `html`, which escapes it, so a donor's name (or a campaign's title) stays text.
import type { OrgConfig } from '../config.ts';
import { composeEmail, facts, textFacts } from '../email/email-document.ts';
import { decimalsOf, formatMinor } from '../money/currency.ts';
import { donationReference, nextMonthlyCharge } from '../pledges/pledge.ts';
import { html, type SafeHtml } from '../html.ts';
import { dateTimeFormat, numberFormat } from '../intl-formats.ts';
import type { PaymentForNotice } from './receipt-repository.ts';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** A gift of this much (USD) or more needs the IRS's written acknowledgment (Publication 1771). */
export const ACKNOWLEDGMENT_THRESHOLD_USD = 25_000;

/** A receipt shows every amount to the cent (`$25.00`), as a tax record does. */
export function formatMoney(amount: number, currency: string): string {
  const decimals = decimalsOf(currency);
  const formatter = numberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return formatter.format(Number(formatMinor(amount, currency)));
}

export function longDate(date: Date, timeZone: string): string {
  return dateTimeFormat('en-US', { dateStyle: 'long', timeZone }).format(date);
}

function orgLines(org: OrgConfig): string[] {
  return [org.name, org.address, org.taxId ? `Tax ID (EIN): ${org.taxId}` : undefined].filter((l): l is string => !!l);
}

function orgFooter(org: OrgConfig): SafeHtml {
  return html`<p style="margin:24px 0 0;font-size:13px;color:#555555">${orgLines(org).map((line, i) => html`${i ? html`<br>` : ''}${line}`)}</p>`;
}

/** The written acknowledgment: who received how much and when, and whether anything was given back. */
function acknowledgment(p: { amount: number; currency: string }, org: OrgConfig, date: string): { html: SafeHtml; text: string } {
  const amount = formatMoney(p.amount, p.currency);
  const large = p.currency === 'usd' && p.amount >= ACKNOWLEDGMENT_THRESHOLD_USD;
  const sentence = `${org.name} acknowledges with thanks your contribution of ${amount} received on ${date}. ${org.receiptStatement}`;
  const keep = large
    ? 'Please keep this email: it is the written acknowledgment the IRS requires for a contribution of $250 or more.'
    : 'Please keep this email for your tax records.';
  return {
    html: html`<p style="margin:16px 0">${sentence}</p><p style="margin:16px 0;font-size:14px">${keep}</p>`,
    text: `${sentence}\n\n${keep}`,
  };
}

export function renderReceipt(p: PaymentForNotice, o: { org: OrgConfig; manageUrl?: string }): RenderedEmail {
  const date = longDate(p.paidAt ?? new Date(), o.org.timeZone);
  const amount = formatMoney(p.amount, p.currency);
  const monthly = p.frequency === 'monthly';
  const nextOn = monthly && p.subscriptionStatus !== 'canceled' && p.subscriptionStatusAt
    ? longDate(nextMonthlyCharge(p.subscriptionStatusAt), o.org.timeZone)
    : undefined;
  const charged = p.coveredFee > 0
    ? `${amount} (your gift of ${formatMoney(p.amount - p.coveredFee, p.currency)} and ${formatMoney(p.coveredFee, p.currency)} you added to cover the processing fee)`
    : amount;
  const rows: Array<[string, string]> = [
    ['Amount charged', charged],
    ['Date', date],
    ['Campaign', p.campaignTitle],
    ['Reference', donationReference(p.pledgeId)],
    ...(monthly ? ([['Frequency', 'Monthly']] as Array<[string, string]>) : []),
    ...(nextOn ? ([['Next gift', nextOn]] as Array<[string, string]>) : []),
  ];
  const thanks = `Thank you for your ${monthly ? 'monthly ' : ''}gift to ${o.org.name}. This is your receipt.`;
  const manage = monthly && o.manageUrl;
  const subject = `Your receipt for your ${monthly ? 'monthly ' : ''}gift of ${amount} to ${o.org.name}`;
  return thankYouEmail({
    subject, name: p.name, thanks, rows, org: o.org, ack: acknowledgment(p, o.org, date),
    more: manage ? {
      html: html`<p style="margin:24px 0"><a href="${o.manageUrl}" style="color:#1a5fb4;font-weight:bold">Manage your monthly gift</a><br><span style="font-size:13px;color:#555555">Change the amount, pause or cancel, or update your card. This link is yours alone: do not forward this email.</span></p>`,
      text: ['', `Manage your monthly gift (change the amount, pause or cancel, update your card): ${o.manageUrl}`, 'This link is yours alone: do not forward this email.'],
    } : undefined,
  });
}

/** A receipt's frame: thanks, the facts, the written acknowledgment, anything more, the organisation. */
function thankYouEmail(o: {
  subject: string; name: string | null; thanks: string; rows: Array<[string, string]>; org: OrgConfig;
  ack: { html: SafeHtml; text: string }; more?: { html: SafeHtml; text: string[] };
}): RenderedEmail {
  const greeting = `Dear ${o.name ?? 'friend'},`;
  return composeEmail({
    subject: o.subject,
    orgName: o.org.name,
    body: html`<h1 style="margin:0 0 16px;font-size:22px">Thank you</h1>
<p style="margin:16px 0">${greeting}</p>
<p style="margin:16px 0">${o.thanks}</p>
${facts(o.rows)}
${o.ack.html}
${o.more?.html ?? ''}`,
    footer: orgFooter(o.org),
    text: [greeting, '', o.thanks, '', textFacts(o.rows), '', o.ack.text, ...(o.more?.text ?? []), '', ...orgLines(o.org)],
  });
}

/** What a receipt or a correction says about an offline gift (a check, a transfer, cash). */
export interface OfflineGiftForNotice {
  amount: number;
  currency: string;
  /** The calendar day received, YYYY-MM-DD. */
  receivedOn: string;
  /** "Check no. 1042", "Cash"... */
  method: string;
  reference: string;
  campaignTitle: string;
  name: string | null;
}

// A day with no time: shown as that day whatever the zone.
const receivedDate = (day: string) => longDate(new Date(`${day}T12:00:00Z`), 'UTC');

/** The receipt for a gift staff recorded: the method where a card payment says "charged". */
export function renderOfflineReceipt(g: OfflineGiftForNotice, o: { org: OrgConfig }): RenderedEmail {
  const date = receivedDate(g.receivedOn);
  const amount = formatMoney(g.amount, g.currency);
  const rows: Array<[string, string]> = [
    ['Amount received', amount], ['Date received', date], ['Method', g.method], ['Campaign', g.campaignTitle], ['Reference', g.reference],
  ];
  return thankYouEmail({
    subject: `Your receipt for your gift of ${amount} to ${o.org.name}`,
    name: g.name, thanks: `Thank you for your gift to ${o.org.name}. This is your receipt.`, rows, org: o.org,
    ack: acknowledgment(g, o.org, date),
  });
}

/** Sent when staff void an offline gift whose receipt went out: that receipt no longer stands. */
export function renderOfflineCorrection(g: OfflineGiftForNotice, o: { org: OrgConfig }): RenderedEmail {
  const amount = formatMoney(g.amount, g.currency);
  const rows: Array<[string, string]> = [
    ['Receipt withdrawn', `${amount} received on ${receivedDate(g.receivedOn)}`], ['Method', g.method], ['Campaign', g.campaignTitle], ['Reference', g.reference],
  ];
  const sentence = `Our receipt for ${amount} (reference ${g.reference}) was issued in error and is withdrawn: please do not use it for your tax records.`;
  const next = 'If your gift was recorded with a wrong amount or date, a corrected receipt follows. Questions? Reply to this email.';
  return composeEmail({
    subject: `Correction: receipt ${g.reference} withdrawn`,
    orgName: o.org.name,
    body: html`<h1 style="margin:0 0 16px;font-size:22px">Correction</h1>
<p style="margin:16px 0">Dear ${g.name ?? 'friend'},</p>
<p style="margin:16px 0">${sentence}</p>
${facts(rows)}
<p style="margin:16px 0;font-size:14px">${next}</p>`,
    footer: orgFooter(o.org),
    text: [`Dear ${g.name ?? 'friend'},`, '', sentence, '', textFacts(rows), '', next, '', ...orgLines(o.org)],
  });
}

export function renderRefundNotice(p: PaymentForNotice, o: { org: OrgConfig; at: Date }): RenderedEmail {
  const original = formatMoney(p.amount, p.currency);
  const refunded = formatMoney(p.amountRefunded, p.currency);
  const net = formatMoney(p.amount - p.amountRefunded, p.currency);
  const full = p.amountRefunded >= p.amount;
  const subject = `${full ? 'Your gift was refunded' : 'Part of your gift was refunded'}: ${refunded}`;
  const rows: Array<[string, string]> = [
    ['Original gift', `${original} on ${longDate(p.paidAt ?? o.at, o.org.timeZone)}`],
    ['Refunded so far', refunded],
    ['Your gift now', net],
    ['Campaign', p.campaignTitle],
    ['Reference', donationReference(p.pledgeId)],
  ];
  const sentence = `We have refunded ${refunded} of your gift to ${o.org.name}. The refund reaches your account in 5 to 10 business days.`;
  const replaces = 'This notice replaces the amount on your earlier receipt: your contribution is now the amount shown as "Your gift now".';
  return composeEmail({
    subject,
    orgName: o.org.name,
    body: html`<h1 style="margin:0 0 16px;font-size:22px">Refund</h1>
<p style="margin:16px 0">Dear ${p.name ?? 'friend'},</p>
<p style="margin:16px 0">${sentence}</p>
${facts(rows)}
<p style="margin:16px 0;font-size:14px">${replaces}</p>`,
    footer: orgFooter(o.org),
    text: [`Dear ${p.name ?? 'friend'},`, '', sentence, '', textFacts(rows), '', replaces, '', ...orgLines(o.org)],
  });
}
