// One donor's statement of a year's giving: every gift, net of refunds, totalled per currency.
import type { OrgConfig } from '../config.ts';
import { composeEmail, facts, textFacts } from '../email/email-document.ts';
import { donationReference } from '../pledges/pledge.ts';
import { html } from '../web/html.ts';
import { formatMoney, longDate, type RenderedEmail } from './receipt-content.ts';
import type { StatementGift } from './statement-repository.ts';

export interface DonorStatement {
  email: string;
  name: string | null;
  gifts: StatementGift[];
  /** Per currency: [gifts, refunded, net]. */
  totals: Array<{ currency: string; count: number; gross: number; refunded: number; net: number }>;
}

export function groupStatements(gifts: StatementGift[]): DonorStatement[] {
  const byEmail = new Map<string, StatementGift[]>();
  for (const g of gifts) byEmail.set(g.email, [...(byEmail.get(g.email) ?? []), g]);
  return [...byEmail.entries()].map(([email, list]) => {
    const totals = new Map<string, { currency: string; count: number; gross: number; refunded: number; net: number }>();
    for (const g of list) {
      const t = totals.get(g.currency) ?? { currency: g.currency, count: 0, gross: 0, refunded: 0, net: 0 };
      t.count++;
      t.gross += g.amount;
      t.refunded += g.amountRefunded;
      t.net += g.amount - g.amountRefunded;
      totals.set(g.currency, t);
    }
    // The most recent name the donor gave.
    const name = [...list].reverse().find((g) => g.name)?.name ?? null;
    return { email, name, gifts: list, totals: [...totals.values()] };
  });
}

export function renderStatement(s: DonorStatement, o: { org: OrgConfig; year: number }): RenderedEmail {
  const tz = o.org.timeZone;
  const subject = `Your ${o.year} giving statement from ${o.org.name}`;
  const totalLines: Array<[string, string]> = s.totals.map((t) => [
    `Total ${t.currency.toUpperCase()}`,
    `${formatMoney(t.net, t.currency)} (${t.count} gift${t.count === 1 ? '' : 's'}${t.refunded ? `, ${formatMoney(t.refunded, t.currency)} refunded` : ''})`,
  ]);
  const giftLine = (g: StatementGift) =>
    `${longDate(g.paidAt, tz)}: ${formatMoney(g.amount - g.amountRefunded, g.currency)}${g.amountRefunded ? ` (${formatMoney(g.amount, g.currency)} less ${formatMoney(g.amountRefunded, g.currency)} refunded)` : ''}, ${g.campaignTitle}, reference ${donationReference(g.pledgeId)}`;
  const sentence = `${o.org.name} acknowledges with thanks your contributions in ${o.year} listed here. ${o.org.receiptStatement}`;
  const orgLines = [o.org.name, o.org.address, o.org.taxId ? `Tax ID (EIN): ${o.org.taxId}` : undefined].filter((l): l is string => !!l);
  return composeEmail({
    subject,
    orgName: o.org.name,
    body: html`<h1 style="margin:0 0 16px;font-size:22px">Your ${o.year} giving statement</h1>
<p style="margin:16px 0">Dear ${s.name ?? 'friend'},</p>
<p style="margin:16px 0">Thank you for your support in ${o.year}. Here is every gift we received from you (${s.email}), net of any refund.</p>
${facts(totalLines)}
<ol style="margin:16px 0;padding-left:20px">${s.gifts.map((g) => html`<li style="margin:4px 0">${giftLine(g)}</li>`)}</ol>
<p style="margin:16px 0">${sentence}</p>
<p style="margin:16px 0;font-size:14px">Please keep this statement for your tax records.</p>`,
    footer: html`<p style="margin:24px 0 0;font-size:13px;color:#555555">${orgLines.map((l, i) => html`${i ? html`<br>` : ''}${l}`)}</p>`,
    text: [
      `Dear ${s.name ?? 'friend'},`,
      '',
      `Thank you for your support in ${o.year}. Here is every gift we received from you (${s.email}), net of any refund.`,
      '',
      textFacts(totalLines),
      '',
      ...s.gifts.map((g, i) => `${i + 1}. ${giftLine(g)}`),
      '',
      sentence,
      '',
      'Please keep this statement for your tax records.',
      '',
      ...orgLines,
    ],
  });
}

export const statementKey = (year: number, email: string) => `statement:${year}:${email.toLowerCase()}`;
