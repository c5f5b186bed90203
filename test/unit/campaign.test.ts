import { describe, expect, it } from 'vitest';
import { CAMPAIGN_PAGE_DEFAULTS, isOpen, isValidTimeZone, zonedTimeToUtc } from '../../src/campaigns/campaign.ts';
import { END_OF_YEAR_CAMPAIGN } from '../../src/campaigns/campaign-seed.ts';
import { toProgress } from '../../src/campaigns/campaign-service.ts';

describe('campaign windows', () => {
  it('converts a local wall-clock time to UTC, across daylight saving', () => {
    expect(zonedTimeToUtc('2026-12-01T00:00:00', 'America/New_York').toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(zonedTimeToUtc('2026-07-01T00:00:00', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(zonedTimeToUtc('2026-12-31T23:59:00', 'Asia/Tokyo').toISOString()).toBe('2026-12-31T14:59:00.000Z');
    expect(zonedTimeToUtc('2026-12-01T00:00:00', 'UTC').toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('opens at the start (inclusive) and closes at the end (exclusive)', () => {
    const c = { startsAt: new Date('2026-12-01T05:00:00Z'), endsAt: new Date('2027-01-01T05:00:00Z') };
    expect(isOpen(c, new Date('2026-12-01T04:59:59.999Z'))).toBe(false);
    expect(isOpen(c, new Date('2026-12-01T05:00:00Z'))).toBe(true);
    expect(isOpen(c, new Date('2027-01-01T04:59:59.999Z'))).toBe(true);
    expect(isOpen(c, new Date('2027-01-01T05:00:00Z'))).toBe(false);
  });

  it('knows real time zones from made-up ones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('seeds the end-of-year campaign for 1 to 31 December in New York', () => {
    expect(END_OF_YEAR_CAMPAIGN.startsAt.toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(END_OF_YEAR_CAMPAIGN.endsAt.toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });
});

describe('progress', () => {
  const campaign = {
    id: 'c', slug: 's', title: 't', description: '', goal: 30_000, currency: 'usd', timezone: 'UTC',
    startsAt: new Date('2026-12-01T00:00:00Z'), endsAt: new Date('2027-01-01T00:00:00Z'), presetAmounts: [],
    createdAt: new Date(0), updatedAt: new Date(0), ...CAMPAIGN_PAGE_DEFAULTS,
  };
  const totals = { raised: 29_999, pending: 0, refunded: 0, disputed: 0, donors: 3, donations: 4, updatedAt: null };

  it('floors the percentage so a goal is never shown reached before it is', () => {
    expect(toProgress(campaign, totals, new Date('2026-12-30T12:00:00Z')).percent).toBe(99.9);
    expect(toProgress(campaign, { ...totals, raised: 45_000 }, new Date()).percent).toBe(150);
  });

  it('counts days left, rounding a part day up, and never below zero', () => {
    expect(toProgress(campaign, totals, new Date('2026-12-30T12:00:00Z')).daysLeft).toBe(2);
    expect(toProgress(campaign, totals, new Date('2027-02-01T00:00:00Z')).daysLeft).toBe(0);
  });
});
