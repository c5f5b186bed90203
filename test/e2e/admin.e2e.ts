// Staff in a browser: sign in with a key, see the chart, download an export.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { campaign, mintKey, payment, pledge } from '../integration/admin/admin-fixtures.ts';
import { DESKTOP, PHONE, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e?.close());

it('signs in, shows totals and the daily chart, and downloads the payments CSV', async () => {
  const c = await campaign(e2e.db, 'year-end');
  for (const [day, amount] of [['01', 2500], ['03', 10000], ['03', 5000]] as const) {
    const p = await pledge(e2e.db, c, { name: `Donor ${day}` });
    await payment(e2e.db, { ...p, currency: 'usd', amount }, { paidAt: new Date(`2026-11-${day}T15:00:00Z`) });
  }
  const { key } = await mintKey(e2e.db, 'e2e');
  const page = await e2e.newPage({ viewport: DESKTOP });
  await page.goto(`${e2e.app.url}/admin`);
  await e2e.screenshot(page, 'admin-sign-in');
  await page.getByLabel(/Admin key/).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForSelector('[data-chart]');
  expect(await page.locator('[data-total=raised]').first().textContent()).toBe('$175');
  const bars = page.locator('[data-chart] rect.chart-bar[data-raised="15000"]');
  expect(await bars.count()).toBe(1);
  await e2e.screenshot(page, 'admin-dashboard-desktop');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Payments CSV' }).first().click(),
  ]);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.split('\n')[0]).toMatch(/^payment_id,/);
  expect(csv).toContain('100.00');
  expect(csv.trim().split('\n')).toHaveLength(4);

  await page.setViewportSize(PHONE);
  await e2e.screenshot(page, 'admin-dashboard-phone');
});
