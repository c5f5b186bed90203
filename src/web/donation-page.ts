// The donation page: works with JavaScript off (a plain form posting to /api/pledges), shows the
// campaign's progress, and keeps the donor's input and errors beside the fields when it comes back.
import type { Campaign } from '../campaigns/campaign.ts';
import type { Progress } from '../campaigns/campaign-service.ts';
import { decimalsOf, formatMinor, formatMoney } from '../money/currency.ts';
import type { Supporter } from '../pledges/pledge-service.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';

export interface FormValues {
  amount?: string;
  custom_amount?: string;
  frequency?: string;
  email?: string;
  name?: string;
  message?: string;
  dedication?: string;
  anonymous?: boolean;
  coverFees?: boolean;
}

export interface DonationPageModel {
  campaign: Campaign;
  progress: Progress;
  open: boolean;
  /** Not open yet (as opposed to closed). */
  upcoming: boolean;
  formToken: string;
  /** Bounds and fee model, so the enhanced form checks and computes as the server does. */
  limits: { min: number; max: number; feeBps: number; feeFixed: number };
  supporters?: Supporter[];
  values?: FormValues;
  errors?: Record<string, string>;
  notice?: string;
}

export function progressBlock(progress: Progress): SafeHtml {
  const width = Math.min(100, progress.percent);
  return html`<section class="progress" aria-label="Campaign progress" data-progress data-campaign="${progress.campaign}"
  data-currency="${progress.currency}" data-decimals="${decimalsOf(progress.currency)}" data-raised="${progress.raised}" aria-live="polite">
<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.floor(width)}"
  aria-valuetext="${progress.percent}% of the goal"><span style="width:${width}%"></span></div>
<p class="figures">
<span><span class="raised" data-field="raised">${formatMoney(progress.raised, progress.currency)}</span>
 raised of <span data-field="goal">${formatMoney(progress.goal, progress.currency)}</span></span>
<span><strong data-field="percent">${progress.percent}%</strong> of the goal</span>
<span><strong data-field="donors">${progress.donors}</strong> <span data-field="donorsLabel">${progress.donors === 1 ? 'donor' : 'donors'}</span></span>
<span><strong data-field="daysLeft">${progress.daysLeft}</strong> <span data-field="daysLabel">${progress.daysLeft === 1 ? 'day' : 'days'}</span> left</span>
</p>
</section>`;
}

function fieldError(errors: Record<string, string>, field: string): SafeHtml | '' {
  return errors[field] ? html`<p class="error" id="${field}-error">${errors[field]}</p>` : '';
}

function describedBy(errors: Record<string, string>, field: string, hint?: string) {
  const ids = [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${errors[field] ? html` aria-invalid="true"` : ''}`;
}

export function donationPage(model: DonationPageModel): string {
  const { campaign, progress, values = {}, errors = {} } = model;
  const currency = campaign.currency;
  const presets = campaign.presetAmounts.map((p) => ({ value: formatMinor(p, currency), label: formatMoney(p, currency) }));
  const chosen = values.amount ?? presets[1]?.value ?? presets[0]?.value ?? 'custom';
  const isPreset = presets.some((p) => p.value === chosen);
  const errorList = Object.entries(errors);
  const body = html`
<h1>${campaign.title}</h1>
<p>${campaign.description}</p>
${progressBlock(progress)}
${model.notice ? html`<p class="notice" role="status">${model.notice}</p>` : ''}
${
  !model.open
    ? html`<p class="notice" role="status">${
        model.upcoming
          ? `Donations open on ${campaign.startsAt.toUTCString()}.`
          : 'This campaign has closed. Thank you to everyone who gave.'
      }</p>`
    : html`
${
  errorList.length
    ? html`<div class="summary" role="alert" tabindex="-1" id="error-summary"><p><strong>Please check the form:</strong></p><ul>${errorList.map(
        ([field, message]) => html`<li><a href="#${field === 'amount' ? 'custom_amount' : field}">${message}</a></li>`,
      )}</ul></div>`
    : ''
}
<form class="donate" method="post" action="/api/pledges" novalidate data-donate-form data-currency="${currency}"
  data-decimals="${decimalsOf(currency)}" data-min="${model.limits.min}" data-max="${model.limits.max}"
  data-fee-bps="${model.limits.feeBps}" data-fee-fixed="${model.limits.feeFixed}">
<input type="hidden" name="campaign" value="${campaign.slug}">
<input type="hidden" name="currency" value="${currency}">
<input type="hidden" name="form_token" value="${model.formToken}">
<fieldset>
<legend>Give</legend>
<div class="choices" role="radiogroup" aria-label="Frequency">
<label class="choice"><input type="radio" name="frequency" value="once" ${values.frequency !== 'monthly' ? 'checked' : ''}><span>Once</span></label>
<label class="choice"><input type="radio" name="frequency" value="monthly" ${values.frequency === 'monthly' ? 'checked' : ''}><span>Monthly</span></label>
</div>
</fieldset>
<fieldset${describedBy(errors, 'amount')}>
<legend>Amount (${currency.toUpperCase()})</legend>
<div class="choices">
${presets.map(
  (p) => html`<label class="choice"><input type="radio" name="amount" value="${p.value}" ${chosen === p.value ? 'checked' : ''}><span>${p.label}</span></label>`,
)}
<label class="choice"><input type="radio" name="amount" value="custom" ${!isPreset ? 'checked' : ''}><span>Other</span></label>
</div>
<label for="custom_amount">Other amount <span class="hint">(${currency.toUpperCase()})</span></label>
<input id="custom_amount" name="custom_amount" inputmode="decimal" autocomplete="transaction-amount"
  value="${!isPreset && chosen !== 'custom' ? chosen : (values.custom_amount ?? '')}"${describedBy(errors, 'amount')}>
${fieldError(errors, 'amount')}
<label class="check"><input type="checkbox" name="coverFees" value="on" ${values.coverFees ? 'checked' : ''}>
<span>Add the processing fee so the newsroom receives my whole gift <span class="hint" data-fee-note></span></span></label>
</fieldset>
<fieldset>
<legend>You</legend>
<label for="email">Email <span class="hint">(for your receipt)</span></label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${values.email ?? ''}"${describedBy(errors, 'email')}>
${fieldError(errors, 'email')}
<label for="name">Name <span class="hint">(optional)</span></label>
<input id="name" name="name" autocomplete="name" maxlength="100" value="${values.name ?? ''}"${describedBy(errors, 'name')}>
${fieldError(errors, 'name')}
<label class="check"><input type="checkbox" name="anonymous" value="on" ${values.anonymous ? 'checked' : ''}>
<span>Give anonymously: don’t show my name on the supporters list</span></label>
<label for="message">Message <span class="hint">(optional, shown with your name)</span></label>
<textarea id="message" name="message" maxlength="500"${describedBy(errors, 'message')}>${values.message ?? ''}</textarea>
${fieldError(errors, 'message')}
<label for="dedication">Dedication <span class="hint">(optional, e.g. “In memory of…”)</span></label>
<input id="dedication" name="dedication" maxlength="200" value="${values.dedication ?? ''}"${describedBy(errors, 'dedication')}>
${fieldError(errors, 'dedication')}
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
${errors.form ? html`<p class="error" role="alert">${errors.form}</p>` : ''}
<button type="submit" data-submit>Donate securely with Stripe</button>
<p class="hint">You’ll pay on Stripe’s secure checkout page. We never see your card.</p>
</form>`
}
${supportersList(model.supporters ?? [])}`;
  return page({ title: `${campaign.title} – donate`, description: campaign.description, body, scripts: ['/assets/donate.js', '/assets/progress.js'] });
}

function supportersList(supporters: Supporter[]): SafeHtml | '' {
  if (!supporters.length) return '';
  return html`<section aria-labelledby="supporters-title">
<h2 id="supporters-title">Recent supporters</h2>
<ul class="supporters">${supporters.map(
    (s) => html`<li><strong>${s.name}</strong>${s.dedication ? html` <span class="muted">· ${s.dedication}</span>` : ''}${
      s.message ? html`<blockquote>${s.message}</blockquote>` : ''
    }</li>`,
  )}</ul>
</section>`;
}
