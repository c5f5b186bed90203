// What the public API answers about a campaign, defined once as zod schemas: the services' return
// types are inferred from them and the OpenAPI document (src/openapi/) publishes them, so the
// documented shape is the typed one.
import { z } from 'zod';

const money = z.number().int().describe('integer minor units of the currency (cents for usd)');
const instant = z.string().describe('ISO 8601 date-time, UTC');

export const campaignViewSchema = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  goal: money,
  currency: z.string(),
  timezone: z.string(),
  startsAt: instant,
  endsAt: instant,
  presetAmounts: z.array(money),
  imageUrl: z.string().nullable().describe('https URL or a path on this site; null for none'),
  imageAlt: z.string(),
  story: z.string().describe('plain text; blank lines separate paragraphs'),
  presetImpacts: z.array(z.string()).describe('one line per preset amount, in the same order'),
  monthlyPresetAmounts: z.array(money).describe('the presets shown for monthly gifts; empty: the one-time presets'),
  monthlyPresetImpacts: z.array(z.string()),
  suggestMonthly: z.boolean().describe('whether one-time donors are offered to make it monthly'),
  open: z.boolean(),
});

/** One sponsor's match pool as the public sees it (src/matching/). */
export const matchPoolProgressSchema = z.object({
  sponsor: z.string(),
  multiplier: z.number().int().describe('1 matches a gift dollar for dollar, 2 doubles it...'),
  qualifies: z.enum(['all', 'first_time']).describe('all gifts, or first-time donors only'),
  cap: money,
  matched: money.describe('given so far, net of matches given back'),
  remaining: money,
  open: z.boolean().describe('taking gifts now: inside its window, not closed, room left'),
  endsAt: instant,
});

export const progressSchema = z.object({
  campaign: z.string(),
  currency: z.string(),
  goal: money,
  raised: money,
  pending: money,
  refunded: money,
  disputed: money,
  donors: z.number().int(),
  donations: z.number().int(),
  matched: money.describe("sponsors' matches of the gifts, beside raised (not in it)"),
  matchPools: z.array(matchPoolProgressSchema),
  percent: z.number(),
  daysLeft: z.number().int(),
  endsAt: instant,
  updatedAt: instant,
});

export type CampaignView = z.infer<typeof campaignViewSchema>;
export type Progress = z.infer<typeof progressSchema>;
export type MatchPoolProgress = z.infer<typeof matchPoolProgressSchema>;
