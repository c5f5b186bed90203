// The end-of-year campaign the service starts with: created only when no campaign exists, so a
// restart or a second instance never makes a second one and staff edits are never overwritten.
import { zonedTimeToUtc } from './campaign.ts';
import type { CampaignRepository, NewCampaign } from './campaign-repository.ts';

const TIMEZONE = 'America/New_York';

export const END_OF_YEAR_CAMPAIGN: NewCampaign = {
  slug: 'end-of-year-2026',
  title: 'Keep independent journalism going: end of year 2026',
  description:
    'Our online donations are back after two years. Every gift this December pays for reporting ' +
    'that answers to readers, not advertisers. Help us reach our goal by New Year’s Eve.',
  goal: 250_000_00,
  currency: 'usd',
  timezone: TIMEZONE,
  // 1 to 31 December inclusive, in the newsroom's time zone: the window closes at midnight.
  startsAt: zonedTimeToUtc('2026-12-01T00:00:00', TIMEZONE),
  endsAt: zonedTimeToUtc('2027-01-01T00:00:00', TIMEZONE),
  presetAmounts: [25_00, 50_00, 100_00, 250_00],
  presetImpacts: [
    'covers a public-records request',
    'pays for a day of reporting',
    'funds a week of fact-checking',
    'sends a reporter to a city council meeting for a month',
  ],
  monthlyPresetAmounts: [10_00, 20_00, 35_00, 50_00],
  monthlyPresetImpacts: [
    'keeps our newsletter free for everyone',
    'funds a local story every month',
    'pays for a month of court coverage',
    'sustains an investigation through the year',
  ],
  suggestMonthly: true,
  imageUrl: '/assets/campaign-newsroom.svg',
  imageAlt: 'Illustration: a city skyline with a newspaper in front of it',
  story:
    'For two years we reported without asking readers for money online. That is over: this December, ' +
    'every gift goes straight into reporting on the people and places our readers live among.\n\n' +
    'We answer to readers, not advertisers. No paywall, no sponsored stories: the reporting stays free ' +
    'for everyone because some of you choose to pay for it.\n\n' +
    'Reaching the goal keeps two reporters on the courts and city hall beat through 2027.',
};

/**
 * Development only (the Stripe emulator is running): a campaign open from today, so the whole
 * donation flow can be tried on a laptop before the end-of-year campaign opens on 1 December.
 */
export function demoCampaign(now: Date): NewCampaign {
  return {
    slug: 'demo',
    title: 'Demo campaign (development only)',
    description: 'A practice campaign created because the service runs with the Stripe emulator. Try a donation.',
    goal: 10_000_00,
    currency: 'usd',
    timezone: 'UTC',
    startsAt: new Date(now.getTime() - 86_400_000),
    endsAt: new Date(now.getTime() + 365 * 86_400_000),
    presetAmounts: [10_00, 25_00, 50_00, 100_00],
    presetImpacts: ['buys a reporter’s notebook', 'covers a public-records request', 'pays for a day of reporting', 'funds a week of fact-checking'],
    monthlyPresetAmounts: [5_00, 10_00, 20_00],
    imageUrl: '/assets/campaign-newsroom.svg',
    imageAlt: 'Illustration: a city skyline with a newspaper in front of it',
    story: 'This campaign only exists while the service runs with the Stripe emulator: no real money moves.',
  };
}

export async function seedCampaigns(
  campaigns: CampaignRepository,
  options: { demo?: boolean; now?: Date } = {},
): Promise<boolean> {
  if ((await campaigns.count()) > 0) return false;
  try {
    await campaigns.create(END_OF_YEAR_CAMPAIGN);
    if (options.demo) await campaigns.create(demoCampaign(options.now ?? new Date()));
    return true;
  } catch (error) {
    // Another instance seeded it at the same moment: that is the outcome we wanted.
    if ((error as { code?: string }).code === 'P2002') return false;
    throw error;
  }
}
