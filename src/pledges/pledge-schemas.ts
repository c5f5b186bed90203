// What a donor may send, in one place: the JSON API and the HTML form share these rules (and the
// OpenAPI document is generated from them).
import { z } from 'zod';
import { SLUG_PATTERN } from '../campaigns/campaign.ts';
import { STRIPE_MAX_AMOUNT } from '../money/currency.ts';
import { cursorField, inOrder, orderMessage, pageLimit, window } from '../listing.ts';
import { PLEDGE_STATUSES } from './pledge.ts';
import { hasHiddenCharacter, hasVisibleCharacter } from './visible-text.ts';

const LINE_BREAK = /[\n\r\u2028\u2029]/u;

export function text(max: number, { multiline = false } = {}) {
  return z
    .string()
    .max(max * 4, `must be at most ${max} characters`)
    .transform((s) => s.replace(/\r\n?/g, '\n').normalize('NFC').trim())
    .pipe(
      z
        .string()
        .max(max, `must be at most ${max} characters`)
        .refine((s) => !hasHiddenCharacter(s, { multiline }), 'must not contain control or invisible characters')
        .refine((s) => multiline || !LINE_BREAK.test(s), 'must be on one line')
        .refine((s) => s === '' || hasVisibleCharacter(s), 'must contain a visible character'),
    );
}

const optionalText = (max: number, options?: { multiline?: boolean }) =>
  text(max, options)
    .optional()
    .transform((s) => (s ? s : undefined));

export const campaignSlug = z.string().max(64).regex(SLUG_PATTERN, 'must be a campaign slug');
export const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be a valid email address'));
export const currencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code')
  .transform((s) => s.toLowerCase());

const donorFields = {
  campaign: campaignSlug,
  currency: currencyCode,
  frequency: z.enum(['once', 'monthly'], 'must be once or monthly'),
  email,
  name: optionalText(100),
  message: optionalText(500, { multiline: true }),
  dedication: optionalText(200),
};

/** POST /api/pledges as JSON: amount in integer minor units. */
export const pledgeRequestSchema = z.strictObject({
  ...donorFields,
  amount: z
    .number('must be a whole number of minor units (e.g. 2500 for $25.00)')
    .int('must be a whole number of minor units (e.g. 2500 for $25.00)')
    .positive('must be positive')
    .max(STRIPE_MAX_AMOUNT, `must be at most ${STRIPE_MAX_AMOUNT}`),
  anonymous: z.boolean('must be true or false').optional().default(false),
  coverFees: z.boolean('must be true or false').optional().default(false),
  // No default: a request without it hashes as before (Idempotency-Key replays stay the same request).
  showAmount: z.boolean('must be true or false').optional().describe('show the amount on the public supporters list (default false)'),
  // Also without a default, for the same reason.
  digest: z
    .boolean('must be true or false')
    .optional()
    .describe('also sign the email up for the daily digest (default false): a confirmation email is sent, and only a confirmed address gets it'),
});

export type PledgeRequest = z.infer<typeof pledgeRequestSchema>;

const checkbox = z
  .union([z.literal('on'), z.literal('true'), z.literal('1'), z.literal('false'), z.literal('0'), z.literal('')])
  .optional()
  .transform((v) => v === 'on' || v === 'true' || v === '1');

/**
 * The HTML form, form-encoded: amount in major units as typed ("25", "25.50"), checkboxes as
 * "on". `website` is a honeypot (hidden from people, filled by bots); `form_token` keys the
 * Stripe call so a double submission makes one pledge.
 */
export const pledgeFormSchema = z.strictObject({
  ...donorFields,
  amount: z.string().max(32, 'is not an amount'),
  custom_amount: z.string().max(32).optional(),
  anonymous: checkbox,
  coverFees: checkbox,
  showAmount: checkbox,
  digest: checkbox,
  website: z.string().max(1000).optional(),
  form_token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional(),
});

export type PledgeForm = z.infer<typeof pledgeFormSchema>;

/**
 * What the form handler itself reads: the form's own fields. The donor's are passed on as they
 * came and judged by the pledge service (PledgeService.create), the same way as the API's.
 */
const passedOn = z.unknown().optional();
export const pledgeFormFieldsSchema = pledgeFormSchema.extend({
  campaign: passedOn,
  currency: passedOn,
  frequency: passedOn,
  email: passedOn,
  name: passedOn,
  message: passedOn,
  dedication: passedOn,
});

export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1 to 255 visible ASCII characters');

export const pledgeStatus = z.enum(PLEDGE_STATUSES, `must be ${PLEDGE_STATUSES.slice(0, -1).join(', ')} or ${PLEDGE_STATUSES.at(-1)}`);

export const pledgeResponseSchema = z.object({
  id: z.uuid(),
  status: pledgeStatus,
  checkoutUrl: z.url(),
  checkoutSessionId: z.string(),
});

/** GET /api/admin/pledges: staff's list of pledges. */
export const pledgeListQuery = z
  .strictObject({
    campaign: campaignSlug.optional(),
    status: pledgeStatus.optional(),
    ...window,
    cursor: cursorField.optional(),
    limit: pageLimit.optional().default(50),
  })
  .refine(inOrder, orderMessage);

export type PledgeListQuery = z.infer<typeof pledgeListQuery>;
