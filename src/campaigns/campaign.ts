// The campaign as the rest of the service sees it: plain values, money in integer minor units.
export interface Campaign extends CampaignPage {
  id: string;
  slug: string;
  title: string;
  description: string;
  goal: number;
  currency: string;
  timezone: string;
  startsAt: Date;
  endsAt: Date;
  presetAmounts: number[];
  createdAt: Date;
  updatedAt: Date;
}

/** What the donation page tells about a campaign beyond its numbers (all optional to staff). */
export interface CampaignPage {
  /** An https URL, or a path on this site such as /assets/campaign.svg. */
  imageUrl: string | null;
  imageAlt: string;
  /** The longer story, plain text; blank lines separate paragraphs. */
  story: string;
  /** One short line per preset, in the presets' order ("$50 pays for a day of reporting"). */
  presetImpacts: string[];
  monthlyPresetAmounts: number[];
  monthlyPresetImpacts: string[];
  /** Offer one-time donors to make their gift monthly. */
  suggestMonthly: boolean;
}

/** A campaign's page content when staff leave it out (the database's defaults). */
export const CAMPAIGN_PAGE_DEFAULTS: CampaignPage = {
  imageUrl: null, imageAlt: '', story: '', presetImpacts: [], monthlyPresetAmounts: [], monthlyPresetImpacts: [], suggestMonthly: true,
};

/** A campaign as written: its page content may be left to the defaults. */
export type CampaignDraft = Omit<Campaign, 'id' | 'createdAt' | 'updatedAt' | keyof CampaignPage> & Partial<CampaignPage>;

export interface CampaignTotals {
  raised: number;
  pending: number;
  refunded: number;
  disputed: number;
  donors: number;
  donations: number;
  updatedAt: Date | null;
}

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Whether donations are accepted at `now`: from startsAt (inclusive) to endsAt (exclusive). */
export function isOpen(campaign: Pick<Campaign, 'startsAt' | 'endsAt'>, now: Date): boolean {
  return campaign.startsAt.getTime() <= now.getTime() && now.getTime() < campaign.endsAt.getTime();
}

/**
 * The instant at which the wall clock in `timeZone` shows `localDateTime` (e.g. "2026-12-01T00:00").
 * Campaign windows are days in the campaign's own time zone, not in UTC.
 */
export function zonedTimeToUtc(localDateTime: string, timeZone: string): Date {
  const asIfUtc = new Date(`${localDateTime}Z`);
  if (Number.isNaN(asIfUtc.getTime())) throw new RangeError(`invalid local date-time: ${localDateTime}`);
  // Two passes settle the offset across a daylight-saving change.
  let guess = asIfUtc.getTime();
  for (let i = 0; i < 2; i++) guess = asIfUtc.getTime() - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
