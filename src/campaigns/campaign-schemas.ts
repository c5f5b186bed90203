// What staff may send to create or change a campaign (POST/PATCH /api/admin/campaigns); the
// routes validate with these and the OpenAPI document is generated from them.
import { z } from 'zod';
import { isValidTimeZone, SLUG_PATTERN, zonedTimeToUtc as zonedToUtc } from './campaign.ts';
import { text } from '../pledges/pledge-schemas.ts';
import { isChargeableAmount, isSupportedCurrency, minimumChargeOf, STRIPE_MAX_AMOUNT } from '../money/currency.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/**
 * A campaign boundary as staff think of it: an instant with an offset, or a wall-clock date or
 * date-time in the campaign's time zone (resolved once the time zone is known).
 */
export const campaignMoment = z.union(
  [z.iso.datetime({ offset: true }), z.iso.date(), z.iso.datetime({ local: true })],
  'must be an ISO 8601 date-time with offset, a local date-time (2026-12-01T09:00) or a date (2026-12-01)',
);

/** Resolves a campaign moment; a plain date for the end means "through that day". */
export function resolveMoment(value: string, timeZone: string, edge: 'start' | 'end'): Date {
  if (ISO_DATE.test(value)) {
    const day = new Date(`${value}T00:00:00Z`);
    if (edge === 'end') day.setUTCDate(day.getUTCDate() + 1);
    return zonedToUtc(day.toISOString().slice(0, 19), timeZone);
  }
  if (LOCAL_DATE_TIME.test(value)) return zonedToUtc(value.length === 16 ? `${value}:00` : value, timeZone);
  return new Date(value);
}

export const currencySchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code')
  .transform((s) => s.toLowerCase())
  .refine(isSupportedCurrency, 'is not a currency Stripe supports');

export const timeZoneSchema = z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York');

const goal = z
  .number('must be a whole number of minor units')
  .int('must be a whole number of minor units')
  .positive('must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

const presetAmounts = z
  .array(z.number('must be whole numbers of minor units').int('must be whole numbers of minor units').positive('must be positive').max(STRIPE_MAX_AMOUNT), 'must be a list of amounts')
  .max(8, 'at most 8 preset amounts');

/** An https address, or a path on this site (/assets/...): what a page may show as an image. */
const imageUrl = z
  .string()
  .max(500, 'must be at most 500 characters')
  .refine((s) => /^\/(?!\/)[^\s]*$/.test(s) || URL.canParse(s) && new URL(s).protocol === 'https:', 'must be an https URL or a path on this site such as /assets/campaign.svg')
  .nullable();

const impactLines = z.array(text(120).pipe(z.string().min(1, 'must not be empty')), 'must be a list of short lines').max(8, 'at most 8 impact lines');

const campaignFields = {
  title: text(200).pipe(z.string().min(1, 'must not be empty')),
  description: text(5000, { multiline: true }),
  goal,
  currency: currencySchema,
  timezone: timeZoneSchema,
  startsAt: campaignMoment,
  endsAt: campaignMoment,
  presetAmounts,
  imageUrl,
  imageAlt: text(200),
  story: text(20000, { multiline: true }),
  presetImpacts: impactLines,
  monthlyPresetAmounts: presetAmounts,
  monthlyPresetImpacts: impactLines,
  suggestMonthly: z.boolean('must be true or false'),
};

export const createCampaignSchema = z.strictObject({
  slug: z.string().min(1).max(64, 'must be at most 64 characters').regex(SLUG_PATTERN, 'must be lowercase letters, digits and single hyphens'),
  ...campaignFields,
  description: campaignFields.description.optional().default(''),
  timezone: campaignFields.timezone.optional().default('UTC'),
  presetAmounts: presetAmounts.optional().default([]),
  imageUrl: imageUrl.optional(),
  imageAlt: campaignFields.imageAlt.optional(),
  story: campaignFields.story.optional(),
  presetImpacts: impactLines.optional(),
  monthlyPresetAmounts: presetAmounts.optional(),
  monthlyPresetImpacts: impactLines.optional(),
  suggestMonthly: campaignFields.suggestMonthly.optional(),
});

/** Everything but the slug, which embeds and links rely on. */
export const updateCampaignSchema = z
  .strictObject({
    title: campaignFields.title,
    description: campaignFields.description,
    goal: campaignFields.goal,
    currency: campaignFields.currency,
    timezone: campaignFields.timezone,
    startsAt: campaignFields.startsAt,
    endsAt: campaignFields.endsAt,
    presetAmounts: campaignFields.presetAmounts,
    imageUrl: campaignFields.imageUrl,
    imageAlt: campaignFields.imageAlt,
    story: campaignFields.story,
    presetImpacts: campaignFields.presetImpacts,
    monthlyPresetAmounts: campaignFields.monthlyPresetAmounts,
    monthlyPresetImpacts: campaignFields.monthlyPresetImpacts,
    suggestMonthly: campaignFields.suggestMonthly,
  })
  .partial()
  .refine((o) => Object.keys(o).length > 0, 'name at least one field to change');

export type CreateCampaignRequest = z.infer<typeof createCampaignSchema>;
export type UpdateCampaignRequest = z.infer<typeof updateCampaignSchema>;

/** Presets Stripe would refuse (under its minimum, or a three-decimal amount not ending in 0). */
export function presetProblems(presets: number[], currency: string): string | null {
  const min = minimumChargeOf(currency);
  const low = presets.find((p) => p < min);
  if (low !== undefined) return `${low} is under Stripe's minimum charge of ${min} for ${currency}`;
  const odd = presets.find((p) => !isChargeableAmount(p, currency));
  if (odd !== undefined) return `${odd} cannot be charged in ${currency}`;
  if (new Set(presets).size !== presets.length) return 'must not repeat an amount';
  return null;
}

/** A campaign named in a path (/campaigns/:slug): public pages, the API and staff's changes alike. */
export const slugParams = z.object({
  slug: z.string().max(64).regex(SLUG_PATTERN, 'must be lowercase letters, digits and single hyphens'),
});
