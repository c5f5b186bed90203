// The donation page: works with JavaScript off (a plain form posting to /api/pledges), shows the
// campaign's story and progress beside the form, and keeps the donor's input and errors beside
// the fields when it comes back. donate.js and progress.js only enhance it.
import type { Campaign } from '../campaigns/campaign.ts';
import type { Progress } from '../campaigns/campaign-service.ts';
import { decimalsOf, formatMinor, formatMoney } from '../money/currency.ts';
import type { Supporter } from '../pledges/pledge-service.ts';
import { html, type SafeHtml } from '../html.ts';
import { lockIcon, page, type Org } from './layout.ts';

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
  showAmount?: boolean;
  digest?: boolean;
}

/** Where a campaign stands at a moment, with its dates as its own time zone shows them. */
export interface CampaignWindow {
  state: 'upcoming' | 'open' | 'closed';
  opensAt: Date;
  closesAt: Date;
  timeZone: string;
}

export function campaignWindow(campaign: Pick<Campaign, 'startsAt' | 'endsAt' | 'timezone'>, now: Date): CampaignWindow {
  const state = now < campaign.startsAt ? 'upcoming' : now < campaign.endsAt ? 'open' : 'closed';
  return { state, opensAt: campaign.startsAt, closesAt: campaign.endsAt, timeZone: campaign.timezone };
}

/** "Tuesday, December 1, 2026 at 12:00 AM EST": a date a person reads, in the campaign's zone. */
export function longMoment(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
  }).format(at);
}

const shortDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric', year: 'numeric' }).format(at);

export interface DonationPageModel {
  campaign: Campaign;
  progress: Progress;
  window: CampaignWindow;
  formToken: string;
  /** Bounds and fee model, so the enhanced form checks and computes as the server does. */
  limits: { min: number; max: number; feeBps: number; feeFixed: number };
  supporters?: Supporter[];
  values?: FormValues;
  errors?: Record<string, string>;
  notice?: string;
  org?: Org;
}

/** A filled bar under 2% would be a hairline nobody sees: any gift shows at least that much. */
export function barWidth(progress: Pick<Progress, 'raised' | 'percent'>): number {
  return progress.raised > 0 ? Math.max(2, Math.min(100, progress.percent)) : 0;
}

function timeLeft(progress: Progress, window: CampaignWindow): SafeHtml {
  if (window.state === 'upcoming') {
    return html`<span data-window="upcoming">Opens <strong><time datetime="${window.opensAt.toISOString()}">${shortDate(window.opensAt, window.timeZone)}</time></strong></span>`;
  }
  if (window.state === 'closed') return html`<span data-window="closed"><strong>Closed</strong></span>`;
  return html`<span><strong data-field="daysLeft">${progress.daysLeft}</strong> <span data-field="daysLabel">${progress.daysLeft === 1 ? 'day' : 'days'}</span> left</span>`;
}

/**
 * The thermometer. Screen readers hear only the figures when they change (the live region that
 * progress.js fills), never the whole block re-read on each update.
 */
export function progressBlock(progress: Progress, window: CampaignWindow): SafeHtml {
  return html`<section class="progress" aria-label="Campaign progress" data-progress data-campaign="${progress.campaign}"
  data-currency="${progress.currency}" data-decimals="${decimalsOf(progress.currency)}" data-raised="${progress.raised}" data-donations="${progress.donations}">
<p class="figures-main"><span class="raised" data-field="raised">${formatMoney(progress.raised, progress.currency)}</span>
 <span class="muted">raised of <span data-field="goal">${formatMoney(progress.goal, progress.currency)}</span></span></p>
<div class="bar" role="progressbar" aria-label="Raised toward the goal" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.floor(Math.min(100, progress.percent))}"
  aria-valuetext="${progress.percent}% of the goal"><span style="width:${barWidth(progress)}%"></span></div>
${matchedLine(progress)}
<p class="figures">
<span><strong data-field="percent">${progress.percent}%</strong> of the goal</span>
<span><strong data-field="donors">${progress.donors}</strong> <span data-field="donorsLabel">${progress.donors === 1 ? 'donor' : 'donors'}</span></span>
${timeLeft(progress, window)}
</p>
<p class="sr-only" aria-live="polite" data-announce></p>
</section>`;
}

/** `matched` beside `raised` and what the sponsors have left, for a campaign with match pools. */
function matchedLine(progress: Progress): SafeHtml | '' {
  if (progress.matchPools.length === 0) return '';
  const remaining = progress.matchPools.filter((p) => p.open).reduce((sum, p) => sum + p.remaining, 0);
  return html`<p class="figures matched" data-matched><span><strong data-field="matched">${formatMoney(progress.matched, progress.currency)}</strong> matched</span>
<span><strong data-field="matchRemaining">${formatMoney(remaining, progress.currency)}</strong> left to match</span></p>`;
}

/** "Your gift will be matched 2x by The Sponsor Foundation" while a pool takes gifts and has room. */
export function matchOffer(progress: Progress): SafeHtml | '' {
  const open = progress.matchPools.filter((p) => p.open && p.remaining > 0);
  if (open.length === 0) return '';
  return html`<div class="match-offer" data-match-offer role="note">${open.map((p) => html`<p>${p.qualifies === 'first_time' ? 'Giving for the first time? ' : ''}<strong>Your gift will be matched${
    p.multiplier > 1 ? ` ${p.multiplier}x` : ''} by ${p.sponsor}</strong>, up to ${formatMoney(p.remaining, progress.currency)} more.</p>`)}</div>`;
}

function fieldError(errors: Record<string, string>, field: string): SafeHtml | '' {
  return errors[field] ? html`<p class="error" id="${field}-error">${errors[field]}</p>` : '';
}

function describedBy(errors: Record<string, string>, field: string, hint?: string) {
  const ids = [hint, errors[field] ? `${field}-error` : undefined].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${errors[field] ? html` aria-invalid="true"` : ''}`;
}

/** The summary lists problems in the order the fields come on the page. */
const FIELD_ORDER = ['frequency', 'amount', 'coverFees', 'email', 'name', 'anonymous', 'message', 'dedication'];
const FIELD_TARGET: Record<string, string> = { amount: 'custom_amount', frequency: 'frequency-once' };

export function inPageOrder(errors: Record<string, string>): Array<[string, string]> {
  const rank = (field: string) => (FIELD_ORDER.includes(field) ? FIELD_ORDER.indexOf(field) : FIELD_ORDER.length);
  return Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b));
}

function errorSummary(errors: Record<string, string>): SafeHtml | '' {
  const list = inPageOrder(errors);
  if (!list.length) return '';
  return html`<div class="summary" role="alert" tabindex="-1" id="error-summary"><p><strong>Please check the form:</strong></p><ul>${list.map(
    ([field, message]) => html`<li><a href="#${FIELD_TARGET[field] ?? field}">${message}</a></li>`,
  )}</ul></div>`;
}

interface Preset {
  value: string;
  label: string;
  impact?: string;
}

function presetsOf(amounts: number[], impacts: string[], currency: string): Preset[] {
  return amounts.map((p, i) => ({ value: formatMinor(p, currency), label: formatMoney(p, currency), impact: impacts[i] || undefined }));
}

function presetButtons(presets: Preset[], chosen: string, kind: 'once' | 'monthly'): SafeHtml[] {
  return presets.map(
    (p) => html`<label class="choice preset" data-kind="${kind}"><input type="radio" name="amount" value="${p.value}" ${chosen === p.value ? 'checked' : ''}><span><strong>${p.label}${
      kind === 'monthly' ? html`<small>/month</small>` : ''
    }</strong>${p.impact ? html`<small class="impact">${p.impact}</small>` : ''}</span></label>`,
  );
}

function donationForm(model: DonationPageModel): SafeHtml {
  const { campaign, values = {}, errors = {} } = model;
  const currency = campaign.currency;
  const monthly = values.frequency === 'monthly';
  const once = presetsOf(campaign.presetAmounts, campaign.presetImpacts, currency);
  const monthlyPresets = presetsOf(campaign.monthlyPresetAmounts, campaign.monthlyPresetImpacts, currency);
  const shown = monthly && monthlyPresets.length ? monthlyPresets : once;
  const fallback = shown[Math.min(1, shown.length - 1)]?.value ?? 'custom';
  const chosen = values.amount ?? fallback;
  const isPreset = [...once, ...monthlyPresets].some((p) => p.value === chosen);
  const org = model.org?.name ?? 'the newsroom';
  return html`${errorSummary(errors)}
<form class="donate" method="post" action="/api/pledges" novalidate data-donate-form data-currency="${currency}"
  data-decimals="${decimalsOf(currency)}" data-min="${model.limits.min}" data-max="${model.limits.max}"
  data-fee-bps="${model.limits.feeBps}" data-fee-fixed="${model.limits.feeFixed}"${monthlyPresets.length ? html` data-monthly-presets` : ''}>
<input type="hidden" name="campaign" value="${campaign.slug}">
<input type="hidden" name="currency" value="${currency}">
<input type="hidden" name="form_token" value="${model.formToken}">
<fieldset class="frequency">
<legend>How often</legend>
<div class="choices segmented">
<label class="choice"><input type="radio" id="frequency-once" name="frequency" value="once" ${!monthly ? 'checked' : ''}><span>Give once</span></label>
<label class="choice"><input type="radio" id="frequency-monthly" name="frequency" value="monthly" ${monthly ? 'checked' : ''}><span>Monthly</span></label>
</div>
${campaign.suggestMonthly
  ? html`<div class="nudge" data-nudge><p><strong>Make it monthly?</strong> A monthly gift lets us plan reporting months ahead. You can cancel at any time.</p>
<p class="no-js">Choose <em>Monthly</em> above to give every month.</p>
<button type="button" class="secondary small js-only" data-make-monthly hidden>Make it monthly</button></div>`
  : ''}
</fieldset>
<fieldset${describedBy(errors, 'amount')}>
<legend>Amount (${currency.toUpperCase()})</legend>
<div class="choices presets">
${presetButtons(once, chosen, 'once')}
${presetButtons(monthlyPresets, chosen, 'monthly')}
<label class="choice preset other"><input type="radio" name="amount" value="custom" ${!isPreset ? 'checked' : ''}><span><strong>Other</strong></span></label>
</div>
<label for="custom_amount">Other amount <span class="hint">(${currency.toUpperCase()})</span></label>
<input id="custom_amount" name="custom_amount" inputmode="decimal" autocomplete="transaction-amount"
  value="${!isPreset && chosen !== 'custom' ? chosen : (values.custom_amount ?? '')}"${describedBy(errors, 'amount')}>
${fieldError(errors, 'amount')}
<label class="check"><input type="checkbox" name="coverFees" value="on" ${values.coverFees ? 'checked' : ''}>
<span>Add the processing fee so ${org} receives my whole gift <span class="hint" data-fee-note></span></span></label>
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
<span>Give anonymously: show “Anonymous” instead of my name on the supporters list</span></label>
<label class="check"><input type="checkbox" name="showAmount" value="on" ${values.showAmount ? 'checked' : ''}>
<span>Show the amount of my gift on the supporters list</span></label>
<label class="check"><input type="checkbox" name="digest" value="on" ${values.digest ? 'checked' : ''}>
<span>Send me the daily digest <span class="hint">(we ask you to confirm it first; unsubscribe in one click)</span></span></label>
<label for="message">Message <span class="hint">(optional, shown with your gift)</span></label>
<textarea id="message" name="message" maxlength="500"${describedBy(errors, 'message')}>${values.message ?? ''}</textarea>
${fieldError(errors, 'message')}
<label for="dedication">Dedication <span class="hint">(optional, e.g. “In memory of…”)</span></label>
<input id="dedication" name="dedication" maxlength="200" value="${values.dedication ?? ''}"${describedBy(errors, 'dedication')}>
${fieldError(errors, 'dedication')}
</fieldset>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
${errors.form ? html`<p class="error" role="alert">${errors.form}</p>` : ''}
<button type="submit" class="donate-button" data-submit>Donate securely</button>
<p class="hint secure">${lockIcon} You’ll pay on Stripe’s secure checkout page. We never see your card.</p>
</form>`;
}

function closedNotice(model: DonationPageModel): SafeHtml {
  const w = model.window;
  if (w.state === 'upcoming') {
    return html`<div class="notice" role="status" data-window="upcoming"><p><strong>Donations open on ${longMoment(w.opensAt, w.timeZone)}.</strong></p>
<p>Come back then: this page takes gifts from that moment.</p></div>`;
  }
  return html`<div class="notice" role="status" data-window="closed"><p><strong>This campaign has closed.</strong></p>
<p>${model.progress.donors
    ? `Thank you to everyone who gave: ${model.progress.donors} ${model.progress.donors === 1 ? 'donor' : 'donors'} raised ${formatMoney(model.progress.raised, model.progress.currency)}.`
    : 'Thank you for your interest in our work.'}</p></div>`;
}

function storyParagraphs(story: string): SafeHtml | '' {
  const paragraphs = story.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  return paragraphs.length ? html`<div class="story">${paragraphs.map((p) => html`<p>${p}</p>`)}</div>` : '';
}

export function donationPage(model: DonationPageModel): string {
  const { campaign, progress } = model;
  const body = html`<div class="campaign-layout">
<div class="campaign-head">
<h1>${campaign.title}</h1>
<p class="lede">${campaign.description}</p>
${campaign.imageUrl ? html`<img class="campaign-image" src="${campaign.imageUrl}" alt="${campaign.imageAlt}" width="1200" height="630">` : ''}
${progressBlock(progress, model.window)}
</div>
<div class="campaign-form" id="give">
${model.notice ? html`<p class="notice" role="status">${model.notice}</p>` : ''}
${model.window.state === 'open' ? html`${matchOffer(progress)}${donationForm(model)}` : closedNotice(model)}
</div>
<div class="campaign-story">
${storyParagraphs(campaign.story)}
${supportersList(model.supporters ?? [], campaign.slug, model.window.state === 'open' ? 'Be the first to give.' : 'No gifts to show.')}
</div>
</div>`;
  return page({
    title: `${campaign.title} – donate`, description: campaign.description, body, org: model.org, bodyClass: 'campaign-page', manageLink: true,
    scripts: ['/assets/donate.js', '/assets/progress.js'],
  });
}

/** The recent gifts; progress.js fetches it again (/campaigns/:slug/supporters) when one lands. */
export function supportersList(supporters: Supporter[], slug: string, none = 'Be the first to give.'): SafeHtml {
  return html`<section aria-labelledby="supporters-title" class="supporters-block" data-supporters="${slug}">
<h2 id="supporters-title">Recent supporters</h2>
${supporters.length
    ? html`<ul class="supporters">${supporters.map(
        (s) => html`<li><strong>${s.name}</strong>${s.amount ? html` <span class="gift">${s.amount}</span>` : ''}${s.dedication ? html` <span class="muted">· ${s.dedication}</span>` : ''}${
          s.message ? html`<blockquote>${s.message}</blockquote>` : ''
        }</li>`,
      )}</ul>`
    : html`<p class="muted">${none}</p>`}
</section>`;
}
