// The widget inside an iframe on another origin, updating live.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertCampaign, insertPayment, insertPledge } from '../helpers/factories.ts';
import { startE2E, type E2E } from './harness.ts';
import { insertPool } from '../integration/matching/match-pools-helpers.ts';

let e2e: E2E;
let host: http.Server;
let hostUrl: string;

beforeAll(async () => {
  e2e = await startE2E();
  // Another site (another origin: another port) embedding the one-line snippet from the README.
  host = http.createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html');
    const slug = req.url === '/matched' ? 'widgets-matched' : 'widgets';
    res.end(`<!doctype html><title>News site</title><h1>Our partner's article</h1>
<iframe src="${e2e.app.url}/embed/campaigns/${slug}" title="Campaign progress" width="320" height="220" style="border:0"></iframe>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  host?.close();
  await e2e?.close();
});

it('shows live progress inside an iframe on another origin, with a donate link', async () => {
  const campaign = await insertCampaign(e2e.db, { slug: 'widgets', goal: 10_000 });
  const page = await e2e.newPage();
  await page.goto(hostUrl);
  const frame = page.frameLocator('iframe');
  await expect.poll(() => frame.locator('[data-field=raised]').textContent()).toBe('$0');
  const donate = frame.getByRole('link', { name: 'Donate (opens in a new tab)' });
  expect(await donate.getAttribute('href')).toBe(`${e2e.app.url}/campaigns/widgets`);
  expect(await donate.getAttribute('target')).toBe('_blank');

  await insertPayment(e2e.db, await insertPledge(e2e.db, campaign.id), { amount: 5000 });
  await expect.poll(() => frame.locator('[data-field=raised]').textContent(), { timeout: 5000 }).toBe('$50');
  expect(await frame.locator('[data-field=percent]').textContent()).toBe('50%');
  await e2e.screenshot(page, 'widget-in-iframe');
});

it('fits the 320 x 220 frame the README recommends, with a long title, and says when a campaign is not open', async () => {
  await e2e.db.pool.query('TRUNCATE campaigns CASCADE');
  await insertCampaign(e2e.db, { slug: 'widgets', goal: 25_000_000, startsAt: new Date(Date.now() + 5 * 86_400_000), endsAt: new Date(Date.now() + 40 * 86_400_000) });
  await e2e.db.prisma.campaign.update({ where: { slug: 'widgets' }, data: { title: 'Keep independent journalism going: end of year 2026' } });
  const page = await e2e.newPage();
  await page.goto(hostUrl);
  const frame = page.frames().find((f) => f.url().includes('/embed/'))!;
  await frame.waitForSelector('[data-window=upcoming]');
  expect(await frame.locator('[data-window=upcoming]').textContent()).toMatch(/^Opens \w{3} \d{1,2}, \d{4}$/);
  const size = await frame.evaluate<{ height: number; width: number }>(
    '({ height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth })',
  );
  expect(size.height).toBeLessThanOrEqual(220);
  expect(size.width).toBeLessThanOrEqual(320);
  await e2e.screenshot(page, 'widget-upcoming-in-iframe');
});

it('shows the sponsors\' match beside the total, live, and still fits the frame with a long title', async () => {
  // A slug of its own: the app may still hold the progress of the 'widgets' recreated above.
  const campaign = await insertCampaign(e2e.db, { slug: 'widgets-matched', goal: 25_000_000 });
  await e2e.db.prisma.campaign.update({ where: { slug: 'widgets-matched' }, data: { title: 'Keep independent journalism going: end of year 2026' } });
  const poolId = await insertPool(e2e.db, campaign.id, { sponsor: 'The Lantern Fund', cap: 1_000_000, multiplier: 2 });
  const page = await e2e.newPage();
  await page.goto(`${hostUrl}matched`);
  const frame = page.frameLocator('iframe');
  await expect.poll(() => frame.locator('[data-field=matched]').textContent()).toBe('$0');
  expect(await frame.locator('[data-field=matchRemaining]').textContent()).toBe('$10,000');
  // A match taken (the pool's row moves, as an allocation moves it): the stream carries it.
  await e2e.db.prisma.matchPool.update({ where: { id: poolId }, data: { allocated: 250_000n } });
  await expect.poll(() => frame.locator('[data-field=matched]').textContent(), { timeout: 5000 }).toBe('$2,500');
  expect(await frame.locator('[data-field=matchRemaining]').textContent()).toBe('$7,500');
  const inner = page.frames().find((f) => f.url().includes('/embed/'))!;
  const size = await inner.evaluate<{ height: number; width: number }>(
    '({ height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth })',
  );
  await e2e.screenshot(page, 'widget-matched-in-iframe');
  expect(size.height).toBeLessThanOrEqual(220);
  expect(size.width).toBeLessThanOrEqual(320);
});
