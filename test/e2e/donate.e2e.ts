// A donor's paths through the real pages in Chromium: give once and monthly through the
// emulator's Checkout page, watch the total move live, without JavaScript, with mistakes, and
// with the keyboard alone.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, startE2E, type E2E } from './harness.ts';
import { insertCampaign } from '../helpers/factories.ts';

let e2e: E2E;

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e?.close());
beforeEach(async () => {
  // The last test's webhooks and fee reads may still be landing: let them, then start clean.
  await e2e.settle();
  await e2e.db.pool.query('TRUNCATE campaigns, pledges, payments, campaign_total_shards, webhook_events CASCADE');
  await insertCampaign(e2e.db, { slug: 'winter', goal: 100_000, presetAmounts: [1000, 2500, 5000] });
});

const formUrl = () => `${e2e.app.url}/campaigns/winter`;

describe('donating in a browser', () => {
  it('gives once, from the form through Checkout to the thank-you page', async () => {
    const page = await e2e.newPage({ viewport: PHONE });
    await page.goto(formUrl());
    await e2e.screenshot(page, 'donation-page-phone');
    await page.getByLabel('$50').check({ force: true });
    await page.getByLabel('Email').fill('ann@example.org');
    await page.getByLabel('Name').first().fill('Ann');
    await page.getByRole('button', { name: /Donate securely/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    await expect.poll(() => page.locator('#amount').textContent()).toContain('50');
    await e2e.screenshot(page, 'emulator-checkout');
    await page.locator('#pay').click();
    await page.waitForURL(/\/donate\/thanks\?session_id=cs_/);
    await e2e.emulator.flushDeliveries();
    await page.reload();
    await expect.poll(() => page.locator('h1').getAttribute('data-state')).toBe('paid');
    expect(await page.locator('main').textContent()).toContain('$50');
    await e2e.screenshot(page, 'thanks-paid-phone');
  });

  it('gives monthly, and the Checkout session is a subscription', async () => {
    const page = await e2e.newPage({ viewport: DESKTOP });
    await page.goto(formUrl());
    await page.getByRole('radio', { name: 'Monthly' }).check();
    await page.getByRole('radio', { name: 'Other' }).check();
    await page.getByLabel(/Other amount/).fill('12.50');
    await page.getByLabel('Email').fill('monthly@example.org');
    await e2e.screenshot(page, 'donation-page-desktop-monthly');
    await page.getByRole('button', { name: /Donate securely/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    expect(await page.locator('#amount').textContent()).toMatch(/12\.50.*month/);
    await page.locator('#pay').click();
    await page.waitForURL(/\/donate\/thanks/);
    await e2e.emulator.flushDeliveries();
    await page.reload();
    expect(await page.locator('main').textContent()).toMatch(/\$12\.50 a month/);
  });

  it('moves the thermometer on a second page, live, when the payment lands', async () => {
    const watcher = await e2e.newPage({ viewport: DESKTOP });
    await watcher.goto(formUrl());
    const raised = watcher.locator('[data-progress] [data-field=raised]');
    expect(await raised.textContent()).toBe('$0');

    const donor = await e2e.newPage();
    await donor.goto(formUrl());
    await donor.getByLabel('$25').check({ force: true });
    await donor.getByLabel('Email').fill('live@example.org');
    await donor.getByRole('button', { name: /Donate securely/ }).click();
    await donor.waitForURL(/\/checkout\/cs_/);
    await donor.locator('#pay').click();
    await donor.waitForURL(/\/donate\/thanks/);

    await expect.poll(() => raised.textContent(), { timeout: 5000 }).toBe('$25');
    expect(await watcher.locator('[data-field=donors]').first().textContent()).toBe('1');
    await e2e.screenshot(watcher, 'thermometer-moved');
  });

  it('works with JavaScript off: the form posts and redirects to Checkout', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(formUrl());
    await page.getByRole('radio', { name: 'Other' }).check();
    await page.getByLabel(/Other amount/).fill('30');
    await page.getByLabel('Email').fill('nojs@example.org');
    await page.getByRole('button', { name: /Donate securely/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    expect(await page.locator('#amount').textContent()).toContain('30');
  });

  it('shows errors beside the fields, with JavaScript off (server) and on (inline)', async () => {
    const noJs = await e2e.newPage({ javaScriptEnabled: false });
    await noJs.goto(formUrl());
    await noJs.getByRole('radio', { name: 'Other' }).check();
    await noJs.getByLabel(/Other amount/).fill('0.10');
    await noJs.getByLabel('Email').fill('not an email');
    await noJs.getByRole('button', { name: /Donate securely/ }).click();
    await noJs.waitForSelector('#error-summary');
    expect(await noJs.locator('#amount-error').textContent()).toMatch(/at least \$0\.50/);
    expect(await noJs.locator('#email-error').textContent()).toMatch(/valid email/);
    expect(await noJs.getByLabel('Email').inputValue()).toBe('not an email');
    await e2e.screenshot(noJs, 'form-errors-server');

    const js = await e2e.newPage({ viewport: PHONE });
    await js.goto(formUrl());
    await js.getByRole('radio', { name: 'Other' }).check();
    await js.getByLabel(/Other amount/).fill('abc');
    await js.getByLabel('Email').fill('x@y.org');
    await js.getByRole('button', { name: /Donate securely/ }).click();
    expect(await js.locator('#amount-error').textContent()).toMatch(/Enter an amount/);
    expect(js.url()).toBe(formUrl()); // nothing was sent
    expect(await e2e.db.prisma.pledge.count()).toBe(0);
    await e2e.screenshot(js, 'form-errors-inline-phone');
  });

  it('can be completed with the keyboard alone', async () => {
    const page = await e2e.newPage();
    await page.goto(formUrl());
    // Tab from the top of the page into the form: skip link, frequency, amounts...
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Enter');
    const seen: string[] = [];
    for (let i = 0; i < 30 && !seen.includes('email'); i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate<string>("document.activeElement && document.activeElement.name || ''"));
    }
    expect(seen).toContain('frequency');
    expect(seen).toContain('amount');
    await page.keyboard.type('keys@example.org');
    // Back to the amounts and choose the last preset with the arrow keys.
    await page.focus('input[name=amount]:checked');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('input[name=amount]:checked').inputValue()).toBe('50.00');
    await page.focus('[data-submit]');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/checkout\/cs_/);
    await page.focus('#pay');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/donate\/thanks/);
  });

  it('keeps the amount when the donor cancels on Checkout', async () => {
    const page = await e2e.newPage();
    await page.goto(formUrl());
    await page.getByLabel('$10').check({ force: true });
    await page.getByLabel('Email').fill('cancel@example.org');
    await page.getByRole('button', { name: /Donate securely/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    await page.locator('#cancel').click();
    await page.waitForURL(/\/donate\/cancelled/);
    await e2e.screenshot(page, 'cancelled');
    await page.getByRole('link', { name: /Back to the donation form/ }).click();
    expect(await page.locator('input[name=amount]:checked').inputValue()).toBe('10.00');
  });
});
