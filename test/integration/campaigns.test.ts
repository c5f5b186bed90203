import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedCampaigns, END_OF_YEAR_CAMPAIGN } from '../../src/campaigns/campaign-seed.ts';
import { createCampaignRepository } from '../../src/campaigns/campaign-repository.ts';
import { buildApp } from '../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../helpers/database.ts';
import { insertCampaign, insertPayment, insertPledge } from '../helpers/factories.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
const now = new Date('2026-12-15T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db, { clock: () => now });
});
afterAll(() => db.drop());
beforeEach(() => truncateAll(db));

describe('GET /api/campaigns', () => {
  it('lists campaigns with their window and whether they are open', async () => {
    await seedCampaigns(createCampaignRepository(db));
    const res = await request(app).get('/api/campaigns').expect(200);
    expect(res.body.data).toEqual([
      {
        slug: 'end-of-year-2026',
        title: END_OF_YEAR_CAMPAIGN.title,
        description: END_OF_YEAR_CAMPAIGN.description,
        goal: 25_000_000,
        currency: 'usd',
        timezone: 'America/New_York',
        startsAt: '2026-12-01T05:00:00.000Z',
        endsAt: '2027-01-01T05:00:00.000Z',
        presetAmounts: [2500, 5000, 10000, 25000],
        imageUrl: '/assets/campaign-newsroom.svg',
        imageAlt: END_OF_YEAR_CAMPAIGN.imageAlt,
        story: END_OF_YEAR_CAMPAIGN.story,
        presetImpacts: END_OF_YEAR_CAMPAIGN.presetImpacts,
        monthlyPresetAmounts: [1000, 2000, 3500, 5000],
        monthlyPresetImpacts: END_OF_YEAR_CAMPAIGN.monthlyPresetImpacts,
        suggestMonthly: true,
        open: true,
      },
    ]);
  });

  it('seeds only when no campaign exists', async () => {
    const repo = createCampaignRepository(db);
    expect(await seedCampaigns(repo)).toBe(true);
    expect(await seedCampaigns(repo)).toBe(false);
    await truncateAll(db);
    await insertCampaign(db, { slug: 'spring' });
    expect(await seedCampaigns(repo)).toBe(false);
    expect(await repo.count()).toBe(1);
  });

  it('reads a campaign by slug (raw SQL) exactly as by id (Prisma): every field, same types', async () => {
    const repo = createCampaignRepository(db);
    await seedCampaigns(repo);
    const bySlug = await repo.findBySlug('end-of-year-2026');
    expect(bySlug).not.toBeNull();
    expect(bySlug).toStrictEqual(await repo.findById(bySlug!.id));
    expect(typeof bySlug!.goal).toBe('number');
    expect(bySlug!.startsAt).toBeInstanceOf(Date);
    expect(await repo.findBySlug('no-such-campaign')).toBeNull();
  });
});

describe('GET /api/campaigns/:slug', () => {
  it('returns one campaign', async () => {
    await insertCampaign(db, { slug: 'spring-drive', goal: 5000 });
    const res = await request(app).get('/api/campaigns/spring-drive').expect(200);
    expect(res.body).toMatchObject({ slug: 'spring-drive', goal: 5000, currency: 'usd' });
  });

  it('answers 404 for an unknown slug', async () => {
    const res = await request(app).get('/api/campaigns/no-such-campaign').expect(404);
    expect(res.body).toEqual({ error: { code: 'not_found', message: "Campaign 'no-such-campaign' not found" } });
  });

  it.each(['Capitals', 'under_score', '-leading', 'double--hyphen', 'x'.repeat(65), '%27%20OR%201%3D1'])(
    'answers 400 naming the field for the malformed slug %s',
    async (slug) => {
      const res = await request(app).get(`/api/campaigns/${slug}`).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details[0].field).toBe('slug');
    },
  );
});

describe('GET /api/campaigns/:slug/progress', () => {
  it('is all zero for a campaign without payments', async () => {
    await insertCampaign(db, { slug: 'quiet', goal: 10_000 });
    const res = await request(app).get('/api/campaigns/quiet/progress').expect(200);
    expect(res.body).toMatchObject({
      campaign: 'quiet', currency: 'usd', goal: 10_000, raised: 0, pending: 0, refunded: 0, donors: 0, donations: 0,
      percent: 0,
    });
    expect(Object.keys(res.body)).toEqual(
      expect.arrayContaining(['campaign', 'currency', 'goal', 'raised', 'pending', 'refunded', 'donors', 'donations', 'percent', 'endsAt', 'updatedAt']),
    );
  });

  it('is computed from payments: refunds, pending, disputes, covered fees and flags', async () => {
    const campaign = await insertCampaign(db, { slug: 'busy', goal: 100_000 });
    const other = await insertCampaign(db, { slug: 'other' });
    const pledge = (o = {}) => insertPledge(db, campaign.id, o);

    await insertPayment(db, await pledge(), { amount: 5000 }); // counts fully
    await insertPayment(db, await pledge(), { amount: 3000, amountRefunded: 1000 }); // partial refund
    await insertPayment(db, await pledge(), { amount: 2000, amountRefunded: 2000 }); // full refund
    await insertPayment(db, await pledge(), { amount: 4000, status: 'pending' }); // delayed method
    await insertPayment(db, await pledge(), { amount: 1000, status: 'failed' });
    await insertPayment(db, await pledge({ amount: 1030, coveredFee: 30 }), { amount: 1030, coveredFee: 30 });
    await insertPayment(db, await pledge(), { amount: 2500, disputeStatus: 'open', disputedAmount: 2500 });
    await insertPayment(db, await pledge(), { amount: 1500, disputeStatus: 'lost', disputedAmount: 1500 });
    await insertPayment(db, await pledge(), { amount: 700, disputeStatus: 'won', disputedAmount: 700 });
    await insertPayment(db, await pledge(), { amount: 9999, flag: 'amount differs from pledge' });
    const monthly = await pledge({ frequency: 'monthly' });
    await insertPayment(db, monthly, { amount: 1000 });
    await insertPayment(db, monthly, { amount: 1000 });
    await insertPayment(db, await insertPledge(db, other.id), { amount: 123_456 }); // another campaign

    const res = await request(app).get('/api/campaigns/busy/progress').expect(200);
    // 5000 + (3000-1000) + 0 + 1000 (covered fee not counted) + 0 (open) + 0 (lost) + 700 (won) + 2000 monthly
    expect(res.body).toMatchObject({ raised: 10_700, pending: 4000, refunded: 3000, disputed: 4000 });
    // Counted donations: all succeeded and unflagged ones (refunded and disputed included).
    expect(res.body.donations).toBe(9);
    expect(res.body.donors).toBe(8); // the monthly donor counts once
    expect(res.body.percent).toBe(10.7);
  });

  it('follows payments as they change: settle, refund, dispute won, delete', async () => {
    const campaign = await insertCampaign(db, { slug: 'moving', goal: 10_000 });
    const payment = await insertPayment(db, await insertPledge(db, campaign.id), { amount: 5000, status: 'pending' });
    const progress = async () => (await request(app).get('/api/campaigns/moving/progress').expect(200)).body;
    expect(await progress()).toMatchObject({ raised: 0, pending: 5000, donors: 0 });

    await db.prisma.payment.update({ where: { id: payment.id }, data: { status: 'succeeded' } });
    expect(await progress()).toMatchObject({ raised: 5000, pending: 0, donors: 1, donations: 1 });

    await db.prisma.payment.update({ where: { id: payment.id }, data: { amountRefunded: 1500 } });
    expect(await progress()).toMatchObject({ raised: 3500, refunded: 1500 });

    await db.prisma.payment.update({ where: { id: payment.id }, data: { disputeStatus: 'open', disputedAmount: 3500 } });
    expect(await progress()).toMatchObject({ raised: 0, disputed: 3500 });
    await db.prisma.payment.update({ where: { id: payment.id }, data: { disputeStatus: 'won' } });
    expect(await progress()).toMatchObject({ raised: 3500, disputed: 0 });

    await db.prisma.payment.delete({ where: { id: payment.id } });
    expect(await progress()).toMatchObject({ raised: 0, pending: 0, refunded: 0, donors: 0, donations: 0 });
  });

  it('stays exact when many payments land on one campaign at once', async () => {
    const campaign = await insertCampaign(db, { slug: 'peak', goal: 1_000_000 });
    const pledges = await Promise.all(Array.from({ length: 40 }, () => insertPledge(db, campaign.id)));
    await Promise.all(pledges.map((p, i) => insertPayment(db, p, { amount: 100 + i })));
    const res = await request(app).get('/api/campaigns/peak/progress').expect(200);
    expect(res.body).toMatchObject({ raised: 40 * 100 + (39 * 40) / 2, donors: 40, donations: 40 });
    const shards = await db.prisma.campaignTotalShard.count({ where: { campaignId: campaign.id } });
    expect(shards).toBeGreaterThan(1); // concurrent writers spread over rows, not one hot row
  });

  it('answers 404 for an unknown campaign', async () => {
    await request(app).get('/api/campaigns/nope/progress').expect(404);
  });
});

describe('development seed', () => {
  it('adds a demo campaign open now when the emulator runs, in the same one-time seed', async () => {
    const repo = createCampaignRepository(db);
    expect(await seedCampaigns(repo, { demo: true, now })).toBe(true);
    const res = await request(app).get('/api/campaigns/demo').expect(200);
    expect(res.body.open).toBe(true);
    expect(await seedCampaigns(repo, { demo: true, now })).toBe(false);
    expect(await repo.count()).toBe(2);
  });
});
