// The donation page as the server draws it (no JavaScript): the organisation's trust signals,
// a campaign that is not open yet or has closed, in the campaign's own time zone, the thermometer's
// minimum fill and its accessible name, errors in page order, the widget's states and the 404.
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { zonedTimeToUtc } from '../../../src/campaigns/campaign.ts';
import { buildApp, testConfig } from '../../helpers/app.ts';
import { createTestDatabase, truncateAll, type TestDatabase } from '../../helpers/database.ts';

let db: TestDatabase;
let app: ReturnType<typeof buildApp>;
const NOW = new Date('2026-11-29T12:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  app = buildApp(db, {
    clock: () => NOW,
    config: testConfig({
      ORG_NAME: 'The Harbour Times',
      ORG_LOGO_URL: 'https://harbour.example/logo.png',
      ORG_SITE_URL: 'https://harbour.example',
      ORG_PRIVACY_URL: 'https://harbour.example/privacy',
      ORG_CONTACT_EMAIL: 'giving@harbour.example',
      ORG_TAX_ID: '12-3456789',
      ORG_ACCENT_COLOR: '#8a1c7c',
    }),
  });
});
beforeEach(() => truncateAll(db));
afterAll(() => db.drop());

async function campaign(slug: string, window: { startsAt: Date; endsAt: Date }, extra: object = {}) {
  return db.prisma.campaign.create({
    data: {
      slug, title: `Campaign ${slug}`, description: 'Keep the lights on', goal: 25_000_000n, currency: 'usd',
      timezone: 'America/New_York', presetAmounts: [2500, 5000], ...window, ...extra,
    },
  });
}

const upcoming = {
  startsAt: zonedTimeToUtc('2026-12-01T00:00:00', 'America/New_York'),
  endsAt: zonedTimeToUtc('2027-01-01T00:00:00', 'America/New_York'),
};
const open = { startsAt: new Date('2026-11-01T00:00:00Z'), endsAt: new Date('2026-12-31T00:00:00Z') };
const closed = { startsAt: new Date('2026-10-01T00:00:00Z'), endsAt: new Date('2026-11-01T00:00:00Z') };

describe('the donation page', () => {
  it('carries the organisation: name, logo, site, contact, privacy, tax line and accent colour', async () => {
    await campaign('open', open);
    const { text } = await request(app).get('/campaigns/open').expect(200);
    expect(text).toContain('<a class="brand" href="https://harbour.example"><img src="https://harbour.example/logo.png" alt="" height="32"><span>The Harbour Times</span></a>');
    expect(text).toContain('<a href="mailto:giving@harbour.example">giving@harbour.example</a>');
    expect(text).toContain('<a href="https://harbour.example/privacy">Privacy policy</a>');
    expect(text).toContain('<a href="/manage">Manage your monthly gift</a>');
    expect(text).toContain('tax ID 12-3456789');
    expect(text).toContain('tax-deductible');
    expect(text).toContain('--accent: #8a1c7c;');
    expect(text).toContain('<link rel="icon" href="/assets/favicon.svg"');
    expect(text).toContain('so The Harbour Times receives my whole gift');
  });

  it('not open yet: says when it opens in the campaign’s time zone, has no Donate button, and no "days left"', async () => {
    await campaign('soon', upcoming);
    const { text } = await request(app).get('/campaigns/soon').expect(200);
    expect(text).toContain('Donations open on Tuesday, December 1, 2026 at 12:00 AM EST.');
    expect(text).toContain('Opens <strong><time datetime="2026-12-01T05:00:00.000Z">Dec 1, 2026</time></strong>');
    expect(text).not.toContain('GMT');
    expect(text).not.toMatch(/days? left/);
    expect(text).not.toContain('<form class="donate"');
    expect(text).not.toContain('type="submit"');
  });

  it('closed: says so and thanks the donors, with no form', async () => {
    await campaign('done', closed);
    const { text } = await request(app).get('/campaigns/done').expect(200);
    expect(text).toContain('This campaign has closed.');
    expect(text).toContain('Thank you for your interest'); // nobody gave: no "0 donors raised $0"
    expect(text).toContain('No gifts to show.');
    expect(text).not.toContain('Be the first to give');
    expect(text).not.toContain('<form class="donate"');
  });

  it('the thermometer: a name for its progressbar, a minimum visible fill, and only a small live region', async () => {
    const c = await campaign('tiny', open);
    await db.pool.query(`UPDATE campaign_total_shards SET raised = 0 WHERE campaign_id = $1`, [c.id]);
    await db.pool.query(
      `INSERT INTO campaign_total_shards (campaign_id, shard, raised, donors, donations) VALUES ($1, 0, 175000, 1, 1)
       ON CONFLICT (campaign_id, shard) DO UPDATE SET raised = 175000, donors = 1, donations = 1`,
      [c.id],
    );
    const { text } = await request(app).get('/campaigns/tiny').expect(200);
    expect(text).toContain('role="progressbar" aria-label="Raised toward the goal"');
    expect(text).toContain('aria-valuetext="0.7% of the goal"');
    expect(text).toContain('<span style="width:2%"></span>'); // 0.7% would be a hairline
    expect(text).not.toMatch(/<section class="progress"[^>]*aria-live/);
    expect(text).toContain('<p class="sr-only" aria-live="polite" data-announce></p>');
  });

  it('lists the form’s errors in page order, amount before email', async () => {
    await campaign('open', open);
    const res = await request(app)
      .post('/api/pledges')
      .type('form')
      .send({ campaign: 'open', currency: 'usd', frequency: 'once', amount: 'custom', custom_amount: 'abc', email: 'nope', name: 'Ann' })
      .expect(400);
    const summary = /<div class="summary"[\s\S]*?<\/div>/.exec(res.text)![0];
    const links = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(['custom_amount', 'email']);
    expect(res.text).toContain('value="Ann"');
  });
});

describe('the widget', () => {
  it('says when a campaign opens, and that its link opens a new tab', async () => {
    await campaign('soon', upcoming);
    const { text } = await request(app).get('/embed/campaigns/soon').expect(200);
    expect(text).toContain('Opens <strong><time');
    expect(text).toContain('target="_blank" rel="noopener">Learn more<span class="sr-only"> (opens in a new tab)</span>');
    expect(text).not.toContain('site-header'); // a frame on someone else's page: no header of ours
  });

  it('a closed campaign: says closed', async () => {
    await campaign('done', closed);
    const { text } = await request(app).get('/embed/campaigns/done').expect(200);
    expect(text).toContain('<strong>Closed</strong>');
    expect(text).toContain('See the campaign<span class="sr-only"> (opens in a new tab)</span>');
  });
});

it('a 404 in the site’s style, with its header and a way back', async () => {
  const { text } = await request(app).get('/no/such/page').set('Accept', 'text/html').expect(404);
  expect(text).toContain('<h1>Page not found</h1>');
  expect(text).toContain('The Harbour Times');
  expect(text).toContain('<a class="button" href="/">Go to the donation page</a>');
});
