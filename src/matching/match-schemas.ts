// What staff may send to create or change a match pool, and what the API answers about one. The
// routes validate with these and the OpenAPI document is generated from them.
import { z } from 'zod';
import { campaignMoment } from '../campaigns/campaign-schemas.ts';
import { text } from '../pledges/pledge-schemas.ts';
import { MONTHLY_RULES, QUALIFIES } from './match.ts';

const money = (what: string) =>
  z.number(`must be a whole number of minor units`).int('must be a whole number of minor units').positive('must be positive')
    .max(Number.MAX_SAFE_INTEGER, 'is too large').describe(what);

const poolFields = {
  sponsor: text(200).pipe(z.string().min(1, 'must not be empty')).describe('who matches: named on the donation page and in matches.csv'),
  cap: money('the most the sponsor gives in all, in minor units of the campaign\'s currency'),
  perDonorCap: money('the most one donor (by email) is matched, in minor units; null for no limit').nullable(),
  multiplier: z.number('must be a whole number from 1 to 10').int('must be a whole number from 1 to 10').min(1, 'must be at least 1')
    .max(10, 'must be at most 10').describe('1 matches a gift dollar for dollar, 2 doubles it...'),
  startsAt: campaignMoment.describe('the window opens (in the campaign\'s time zone when no offset is given); default: the campaign\'s start'),
  endsAt: campaignMoment.describe('the window closes (a date means through that day); default: the campaign\'s end'),
  qualifies: z.enum(QUALIFIES, 'must be all or first_time').describe('all gifts, or only first-time donors (no earlier successful gift by email, online or offline)'),
  monthly: z.enum(MONTHLY_RULES, 'must be first_installment or installments')
    .describe('a monthly gift is matched once, on its first installment: as that installment, or as monthlyInstallments of them'),
  monthlyInstallments: z.number('must be a whole number from 1 to 36').int('must be a whole number from 1 to 36').min(1, 'must be at least 1')
    .max(36, 'must be at most 36').describe('with monthly = installments: how many installments the first one counts as'),
};

export const createPoolSchema = z.strictObject({
  ...poolFields,
  perDonorCap: poolFields.perDonorCap.optional().default(null),
  multiplier: poolFields.multiplier.optional().default(1),
  startsAt: poolFields.startsAt.optional(),
  endsAt: poolFields.endsAt.optional(),
  qualifies: poolFields.qualifies.optional().default('all'),
  monthly: poolFields.monthly.optional().default('first_installment'),
  monthlyInstallments: poolFields.monthlyInstallments.optional().default(1),
});

export const updatePoolSchema = z
  .strictObject(poolFields)
  .partial()
  .refine((o) => Object.keys(o).length > 0, 'name at least one field to change');

export const poolParams = z.object({ id: z.uuid('must be a match pool id (uuid)') });

export type CreatePoolRequest = z.infer<typeof createPoolSchema>;
export type UpdatePoolRequest = z.infer<typeof updatePoolSchema>;

const amount = z.number().int().describe('integer minor units of the currency (cents for usd)');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const poolViewSchema = z.object({
  id: z.uuid(),
  campaign: z.string(),
  sponsor: z.string(),
  currency: z.string(),
  cap: amount,
  perDonorCap: amount.nullable(),
  multiplier: z.number().int(),
  startsAt: instant,
  endsAt: instant,
  qualifies: z.enum(QUALIFIES),
  monthly: z.enum(MONTHLY_RULES),
  monthlyInstallments: z.number().int(),
  allocated: amount.describe('matched so far, net of matches given back'),
  remaining: amount.describe('cap less allocated'),
  open: z.boolean().describe('inside its window, not closed, and not used up'),
  closedAt: instant.nullable(),
  createdAt: instant,
});

export const poolListSchema = z.object({ data: z.array(poolViewSchema) });

export type PoolView = z.infer<typeof poolViewSchema>;
