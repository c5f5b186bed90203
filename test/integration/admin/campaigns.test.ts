// Staff create and change campaigns; every rule is checked and named in the 400.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';
import { bearer, campaign, mintKey, pledge } from './admin-fixtures.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
let auth: Record<string, string>;

const valid = {
  slug: 'spring-2027',
  title: 'Spring drive',
  goal: 5_000_000,
  currency: 'USD',
  timezone: 'America/New_York',
  startsAt: '2027-03-01',
  endsAt: '2027-03-31',
  presetAmounts: [1000, 2500],
};

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db, { clock: () => new Date('2027-03-10T12:00:00Z') });
});
beforeEach(async () => {
  await truncateAll(db);
  auth = bearer((await mintKey(db)).key);
});
afterAll(async () => {
  await db.drop();
});

const create = (body: object) => request(app).post('/api/admin/campaigns').set(auth).send(body);
const patch = (slug: string, body: object) => request(app).patch(`/api/admin/campaigns/${slug}`).set(auth).send(body);

describe('POST /api/admin/campaigns', () => {
  it('creates a campaign; local dates are days in its time zone, the end day inclusive', async () => {
    const res = await create(valid).expect(201);
    expect(res.body).toEqual({
      slug: 'spring-2027', title: 'Spring drive', description: '', goal: 5_000_000, currency: 'usd',
      timezone: 'America/New_York', startsAt: '2027-03-01T05:00:00.000Z', endsAt: '2027-04-01T04:00:00.000Z',
      presetAmounts: [1000, 2500], open: true,
      // The page content, left out: the defaults.
      imageUrl: null, imageAlt: '', story: '', presetImpacts: [], monthlyPresetAmounts: [], monthlyPresetImpacts: [], suggestMonthly: true,
    });
    const row = await db.prisma.campaign.findUniqueOrThrow({ where: { slug: 'spring-2027' } });
    expect(row.goal).toBe(5_000_000n);
    // The public API sees it at once.
    await request(app).get('/api/campaigns/spring-2027').expect(200);
  });

  it('accepts ISO instants with offsets and local date-times', async () => {
    const res = await create({ ...valid, startsAt: '2027-03-01T09:30', endsAt: '2027-03-02T00:00:00+01:00' }).expect(201);
    expect(res.body.startsAt).toBe('2027-03-01T14:30:00.000Z');
    expect(res.body.endsAt).toBe('2027-03-01T23:00:00.000Z');
  });

  it('defaults timezone to UTC, description to empty, presets to none', async () => {
    const { timezone: _t, presetAmounts: _p, ...rest } = valid;
    const res = await create(rest).expect(201);
    expect(res.body).toMatchObject({ timezone: 'UTC', presetAmounts: [], startsAt: '2027-03-01T00:00:00.000Z', endsAt: '2027-04-01T00:00:00.000Z' });
  });

  it('409 on a duplicate slug', async () => {
    await create(valid).expect(201);
    const res = await create({ ...valid, title: 'Another' }).expect(409);
    expect(res.body.error.code).toBe('conflict');
  });

  const invalid: Array<[string, object, string]> = [
    ['slug with capitals', { slug: 'Spring' }, 'slug'],
    ['slug with double hyphen', { slug: 'a--b' }, 'slug'],
    ['slug too long', { slug: 'a'.repeat(65) }, 'slug'],
    ['unknown currency', { currency: 'xyz' }, 'currency'],
    ['currency not a code', { currency: 'dollars' }, 'currency'],
    ['goal zero', { goal: 0 }, 'goal'],
    ['goal negative', { goal: -5 }, 'goal'],
    ['goal fractional', { goal: 10.5 }, 'goal'],
    ['goal as string', { goal: '1000' }, 'goal'],
    ['empty title', { title: '  ' }, 'title'],
    ['bad time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['bad date', { startsAt: '2027-02-30' }, 'startsAt'],
    ['not a date', { endsAt: 'tomorrow' }, 'endsAt'],
    ['window reversed', { startsAt: '2027-04-01', endsAt: '2027-03-01' }, 'endsAt'],
    ['window empty', { startsAt: '2027-03-01T00:00:00Z', endsAt: '2027-03-01T00:00:00Z' }, 'endsAt'],
    ['preset under Stripe minimum', { presetAmounts: [49] }, 'presetAmounts'],
    ['preset zero', { presetAmounts: [0] }, 'presetAmounts.0'],
    ['preset fractional', { presetAmounts: [10.5] }, 'presetAmounts.0'],
    ['preset repeated', { presetAmounts: [1000, 1000] }, 'presetAmounts'],
    ['three-decimal preset not ending in 0', { currency: 'bhd', presetAmounts: [5005] }, 'presetAmounts'],
    ['unknown field', { colour: 'red' }, 'colour'],
  ];
  for (const [name, change, field] of invalid) {
    it(`400 naming ${field}: ${name}`, async () => {
      const res = await create({ ...valid, ...change }).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await db.prisma.campaign.count()).toBe(0);
    });
  }

  it('400 naming every missing field', async () => {
    const res = await create({}).expect(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['slug', 'title', 'goal', 'currency', 'startsAt', 'endsAt']));
  });

  it('checks presets against the minimum of the campaign currency (JPY is zero-decimal)', async () => {
    await create({ ...valid, currency: 'jpy', presetAmounts: [500, 1000] }).expect(201);
    await create({ ...valid, slug: 'gbp', currency: 'gbp', presetAmounts: [30] }).expect(201);
    await create({ ...valid, slug: 'gbp-low', currency: 'gbp', presetAmounts: [29] }).expect(400);
  });
});

describe('the donation page content of a campaign', () => {
  const content = {
    imageUrl: 'https://example.org/spring.jpg',
    imageAlt: 'Reporters at a council meeting',
    story: 'First paragraph.\n\nSecond paragraph.',
    presetImpacts: ['covers a records request', 'pays for a day of reporting'],
    monthlyPresetAmounts: [500, 1500],
    monthlyPresetImpacts: ['keeps the newsletter free'],
    suggestMonthly: false,
  };

  it('is stored, answered, and drawn on the donation page', async () => {
    const res = await create({ ...valid, ...content }).expect(201);
    expect(res.body).toMatchObject(content);
    const page = await request(app).get('/campaigns/spring-2027').expect(200);
    expect(page.text).toContain('<img class="campaign-image" src="https://example.org/spring.jpg" alt="Reporters at a council meeting"');
    expect(page.text).toContain('<p>Second paragraph.</p>');
    expect(page.text).toContain('pays for a day of reporting');
    expect(page.text).toMatch(/data-kind="monthly"><input type="radio" name="amount" value="15.00"/);
    expect(page.text).not.toContain('data-nudge'); // suggestMonthly: false
    const changed = await patch('spring-2027', { suggestMonthly: true, imageUrl: '/assets/campaign-newsroom.svg' }).expect(200);
    expect(changed.body).toMatchObject({ suggestMonthly: true, imageUrl: '/assets/campaign-newsroom.svg', story: content.story });
    expect((await request(app).get('/campaigns/spring-2027')).text).toContain('data-nudge');
  });

  it('400 naming the field: impact lines without presets, an image without alt text, an unsafe image address', async () => {
    const field = async (body: object) => (await create({ ...valid, ...body }).expect(400)).body.error.details.map((d: { field: string }) => d.field);
    expect(await field({ presetImpacts: ['a', 'b', 'c'] })).toEqual(['presetImpacts']);
    expect(await field({ monthlyPresetImpacts: ['a'] })).toEqual(['monthlyPresetImpacts']);
    expect(await field({ imageUrl: 'https://example.org/x.png' })).toEqual(['imageAlt']);
    expect(await field({ imageUrl: 'javascript:alert(1)', imageAlt: 'x' })).toEqual(['imageUrl']);
    expect(await field({ imageUrl: 'http://example.org/x.png', imageAlt: 'x' })).toEqual(['imageUrl']);
    expect(await field({ imageUrl: '//evil.example/x.png', imageAlt: 'x' })).toEqual(['imageUrl']);
    expect(await field({ monthlyPresetAmounts: [10] })).toEqual(['monthlyPresetAmounts']);
    expect(await field({ suggestMonthly: 'yes' })).toEqual(['suggestMonthly']);
    expect(await db.prisma.campaign.count()).toBe(0);
  });
});

describe('PATCH /api/admin/campaigns/:slug', () => {
  beforeEach(async () => {
    await create(valid).expect(201);
  });

  it('changes the given fields only', async () => {
    const res = await patch('spring-2027', { title: 'Spring drive, extended', goal: 6_000_000, endsAt: '2027-04-15' }).expect(200);
    expect(res.body).toMatchObject({
      slug: 'spring-2027', title: 'Spring drive, extended', goal: 6_000_000, endsAt: '2027-04-16T04:00:00.000Z',
      startsAt: '2027-03-01T05:00:00.000Z', presetAmounts: [1000, 2500],
    });
  });

  it('validates the window against the stored other end', async () => {
    const res = await patch('spring-2027', { endsAt: '2027-02-01' }).expect(400);
    expect(res.body.error.details[0].field).toBe('endsAt');
  });

  it('validates stored presets against a new currency', async () => {
    const res = await patch('spring-2027', { currency: 'huf' }).expect(400);
    expect(res.body.error.details[0].field).toBe('presetAmounts');
  });

  it('refuses to change the currency once there are pledges (409)', async () => {
    const c = await db.prisma.campaign.findUniqueOrThrow({ where: { slug: 'spring-2027' } });
    await pledge(db, c);
    await patch('spring-2027', { currency: 'eur' }).expect(409);
    await patch('spring-2027', { currency: 'usd' }).expect(200);
  });

  it('400 for the slug, unknown fields, an empty change or bad values; 404 for an unknown campaign', async () => {
    expect((await patch('spring-2027', { slug: 'other' }).expect(400)).body.error.details[0].field).toBe('slug');
    await patch('spring-2027', { goal: -1 }).expect(400);
    await patch('spring-2027', {}).expect(400);
    await patch('spring-2027', { presetAmounts: [1] }).expect(400);
    await patch('nope', { title: 'x' }).expect(404);
    await patch('Not_A_Slug', { title: 'x' }).expect(400);
    await campaign(db, 'other');
  });
});
