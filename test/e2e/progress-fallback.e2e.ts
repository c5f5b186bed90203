// Issue 12, item 3, as a reader sees it: when the progress stream is refused (this address already
// holds its share of live streams), the widget falls back to polling and still shows a new total.
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_CAPACITY } from '../../src/http/capacity.ts';
import { insertCampaign, insertPayment, insertPledge } from '../helpers/factories.ts';
import { startE2E, type E2E } from './harness.ts';

let e2e: E2E;
const held: http.ClientRequest[] = [];

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  for (const req of held) req.destroy();
  await e2e?.close();
});

it('polls the progress when its live stream is refused, and the total still moves', async () => {
  const campaign = await insertCampaign(e2e.db, { slug: 'crowded', goal: 10_000 });
  // The browser's address (loopback) already holds every stream it may.
  for (let i = 0; i < DEFAULT_CAPACITY.streams.perClient; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = http.get(`${e2e.app.url}/api/campaigns/crowded/progress/stream`, (res) => {
        expect(res.statusCode).toBe(200);
        res.once('data', () => resolve());
      });
      req.on('error', reject);
      held.push(req);
    });
  }
  const page = await e2e.newPage();
  const refused = page.waitForResponse((r) => r.url().endsWith('/progress/stream'));
  await page.goto(`${e2e.app.url}/embed/campaigns/crowded`);
  expect((await refused).status()).toBe(429);
  await expect.poll(() => page.locator('[data-field=raised]').textContent()).toBe('$0');

  await insertPayment(e2e.db, await insertPledge(e2e.db, campaign.id), { amount: 5000 });
  // The page polls every 15 seconds.
  await expect.poll(() => page.locator('[data-field=raised]').textContent(), { timeout: 20_000, interval: 500 }).toBe('$50');
  expect(await page.locator('[data-field=percent]').textContent()).toBe('50%');
});
