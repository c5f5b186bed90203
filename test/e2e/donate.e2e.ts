// A donor's paths through the real pages in Chromium: give once and monthly through the
// emulator's Checkout page, watch the total move live, without JavaScript, with mistakes, and
// with the keyboard alone.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliver } from '../integration/webhooks/webhook-harness.ts';
import { DESKTOP, PHONE, startE2E, type E2E } from './harness.ts';
import { insertCampaign } from '../helpers/factories.ts';
import { stripeFixture } from '../helpers/stripe-fixtures.ts';
import { insertPool } from '../integration/matching/match-pools-helpers.ts';

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

/** From the form to Checkout with a preset amount. */
async function toCheckout(page: Page, preset: string, email: string, url = formUrl()) {
  await page.goto(url);
  await page.getByLabel(preset).check({ force: true });
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: /^Donate/ }).click();
  await page.waitForURL(/\/checkout\/cs_/);
}

/**
 * Pays on the Checkout page with Stripe's webhook held back until the donor is on the thank-you
 * page, as it usually is in life: the page must show "confirming" first, then move on by itself.
 */
async function payAndLandBeforeTheWebhook(page: Page, button: '#pay' | '#pay-delayed', onLanded?: () => Promise<void>) {
  e2e.emulator.pauseDeliveries();
  try {
    await page.locator(button).click();
    await page.waitForURL(/\/donate\/thanks\?session_id=cs_/);
    expect(await page.locator('h1').getAttribute('data-state')).toBe('pending');
    await onLanded?.();
  } finally {
    e2e.emulator.resumeDeliveries();
  }
}

describe('donating in a browser', () => {
  it('gives once, covering the fee: the thank-you page moves from confirming to paid by itself', async () => {
    const page = await e2e.newPage({ viewport: PHONE });
    await page.goto(formUrl());
    await e2e.screenshot(page, 'donation-page-phone');
    await page.getByLabel('$50').check({ force: true });
    await page.getByLabel(/Add the processing fee/).check();
    await page.getByLabel('Email').fill('ann@example.org');
    await page.getByLabel('Name').first().fill('Ann');
    // The button states the gift: the $50 and the fee the donor chose to cover.
    expect(await page.locator('[data-submit]').textContent()).toBe('Donate $51.81');
    await page.getByRole('button', { name: /^Donate/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    await expect.poll(() => page.locator('#amount').textContent()).toContain('51');
    await e2e.screenshot(page, 'emulator-checkout');
    await payAndLandBeforeTheWebhook(page, '#pay', async () => {
      await e2e.screenshot(page, 'thanks-confirming-phone');
      await page.evaluate(() => ((globalThis as unknown as { landed: number }).landed = 1));
    });
    await expect.poll(() => page.locator('h1').getAttribute('data-state'), { timeout: 15_000 }).toBe('paid');
    expect(await page.evaluate(() => (globalThis as unknown as { landed?: number }).landed)).toBe(1); // not reloaded
    expect(await page.title()).toBe('Thank you for your gift!');
    const pledge = await e2e.db.prisma.pledge.findFirstOrThrow({ where: { email: 'ann@example.org' } });
    const cell = (row: string) => page.locator(`[data-row=${row}] dd`).textContent();
    expect(await cell('gift')).toBe('$50');
    expect(await cell('fee')).toBe(`$${(pledge.coveredFee / 100).toFixed(2)}`);
    expect(await cell('total')).toBe(`$${(pledge.amount / 100).toFixed(2)}`);
    expect(pledge.amount - pledge.coveredFee).toBe(5000);
    expect(await cell('reference')).toBe(pledge.id.replace(/-/g, '').slice(0, 8).toUpperCase());
    await e2e.screenshot(page, 'thanks-paid-phone');
  });

  it('gives monthly, and the thank-you page says when the next gift is taken', async () => {
    const page = await e2e.newPage({ viewport: DESKTOP });
    await page.goto(formUrl());
    await page.getByRole('radio', { name: 'Monthly' }).check();
    await page.getByRole('radio', { name: 'Other' }).check();
    await page.getByLabel(/Other amount/).fill('12.50');
    await page.getByLabel('Email').fill('monthly@example.org');
    expect(await page.locator('[data-submit]').textContent()).toBe('Donate $12.50 monthly');
    await e2e.screenshot(page, 'donation-page-desktop-monthly');
    await page.getByRole('button', { name: /^Donate/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    expect(await page.locator('#amount').textContent()).toMatch(/12\.50.*month/);
    await page.locator('#pay').click();
    await page.waitForURL(/\/donate\/thanks/);
    await expect.poll(() => page.locator('h1').getAttribute('data-state'), { timeout: 15_000 }).toBe('paid');
    expect(await page.locator('main').textContent()).toMatch(/\$12\.50 a month/);
    const pledge = await e2e.db.prisma.pledge.findFirstOrThrow({ where: { email: 'monthly@example.org' } });
    const start = pledge.subscriptionStatusAt!;
    const next = new Date(start);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const expected = next.getUTCDate() === start.getUTCDate()
      ? new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' }).format(next)
      : /\w+ \d{1,2}, \d{4}/; // the 29th to 31st: the next month's last day (checked in the integration test)
    const text = (await page.locator('main').textContent())!;
    expect(text).toContain('Your next gift of $12.50 will be taken on');
    if (typeof expected === 'string') expect(text).toContain(expected);
    else expect(text).toMatch(expected);
    await e2e.screenshot(page, 'thanks-monthly-desktop');
  });

  it('without JavaScript, the thank-you page moves from confirming to paid by reloading itself', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await toCheckout(page, '$25', 'nojs-thanks@example.org');
    await payAndLandBeforeTheWebhook(page, '#pay');
    await expect.poll(() => page.locator('h1').getAttribute('data-state'), { timeout: 20_000 }).toBe('paid');
    expect(page.url()).toMatch(/[?&]check=\d+/); // it got there by the page's own refresh
    expect(await page.locator('[data-row=total] dd').textContent()).toBe('$25');
    await e2e.screenshot(page, 'thanks-paid-nojs');
  });

  it('a bank debit lands on confirming and moves to processing by itself', async () => {
    const page = await e2e.newPage({ viewport: PHONE });
    await toCheckout(page, '$10', 'sepa@example.org');
    await payAndLandBeforeTheWebhook(page, '#pay-delayed');
    await expect.poll(() => page.locator('h1').getAttribute('data-state'), { timeout: 15_000 }).toBe('processing');
    expect(await page.locator('main').textContent()).toContain('bank debit');
    await e2e.screenshot(page, 'thanks-processing-phone');
  });

  it('a donor charged other than they pledged is told what was really charged, and is not listed', async () => {
    // A campaign of its own: its pages' cached totals must not outlive into the next test's 'winter'.
    await insertCampaign(e2e.db, { slug: 'penny', goal: 100_000, presetAmounts: [1000, 2500, 5000] });
    const pennyUrl = `${e2e.app.url}/campaigns/penny`;
    const page = await e2e.newPage({ viewport: PHONE });
    await page.goto(pennyUrl);
    await page.getByLabel('$10').check({ force: true });
    await page.getByLabel('Email').fill('penny@example.org');
    await page.getByLabel('Name').first().fill('Penny Wise');
    await page.getByRole('button', { name: /^Donate/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    const pledge = await e2e.db.prisma.pledge.findFirstOrThrow({ where: { email: 'penny@example.org' } });
    // Stripe reports a charge of $0.01 for this $10 session (signed, through the real webhook route).
    const event = stripeFixture('checkout.session.completed.payment');
    event.id = 'evt_e2e_flagged';
    Object.assign(event.data.object, {
      id: pledge.checkoutSessionId, amount_total: 1, amount_subtotal: 1, currency: 'usd', payment_intent: 'pi_e2e_flagged',
      metadata: { pledge_id: pledge.id },
    });
    await deliver(e2e.app.url, event).expect(200);
    await page.goto(`${e2e.app.url}/donate/thanks?session_id=${pledge.checkoutSessionId}`);
    expect(await page.locator('h1').getAttribute('data-state')).toBe('flagged');
    const text = (await page.locator('main').textContent())!;
    expect(text).not.toContain('has been received');
    expect(text).toContain('Stripe reports a charge of $0.01, not the $10 you chose to give');
    await e2e.screenshot(page, 'thanks-flagged-phone');
    await page.getByRole('link', { name: 'Back to the campaign' }).click();
    await page.waitForURL(pennyUrl);
    expect(await page.locator('main').textContent()).not.toContain('Penny Wise');
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
    await donor.getByLabel('Name').first().fill('Lively Donor');
    await donor.getByLabel(/Show the amount of my gift/).check();
    await donor.getByRole('button', { name: /^Donate/ }).click();
    await donor.waitForURL(/\/checkout\/cs_/);
    await donor.locator('#pay').click();
    await donor.waitForURL(/\/donate\/thanks/);

    await expect.poll(() => raised.textContent(), { timeout: 5000 }).toBe('$25');
    expect(await watcher.locator('[data-field=donors]').first().textContent()).toBe('1');
    // Screen readers hear the figures, once; the new gift shows in the supporters list.
    expect(await watcher.locator('[data-announce]').textContent()).toBe('$25 raised, 2.5% of the goal.');
    await expect.poll(() => watcher.locator('.supporters li').first().textContent(), { timeout: 5000 }).toBe('Lively Donor $25');
    await e2e.screenshot(watcher, 'thermometer-moved');
  });

  it('works with JavaScript off: the form posts and redirects to Checkout', async () => {
    const page = await e2e.newPage({ javaScriptEnabled: false });
    await page.goto(formUrl());
    await page.getByRole('radio', { name: 'Other' }).check();
    await page.getByLabel(/Other amount/).fill('30');
    await page.getByLabel('Email').fill('nojs@example.org');
    await page.getByRole('button', { name: /^Donate/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    expect(await page.locator('#amount').textContent()).toContain('30');
  });

  it('shows errors beside the fields, with JavaScript off (server) and on (inline)', async () => {
    const noJs = await e2e.newPage({ javaScriptEnabled: false });
    await noJs.goto(formUrl());
    await noJs.getByRole('radio', { name: 'Other' }).check();
    await noJs.getByLabel(/Other amount/).fill('0.10');
    await noJs.getByLabel('Email').fill('not an email');
    await noJs.getByRole('button', { name: /^Donate/ }).click();
    await noJs.waitForSelector('#error-summary');
    expect(await noJs.locator('#amount-error').textContent()).toMatch(/at least \$0\.50/);
    expect(await noJs.locator('#email-error').textContent()).toMatch(/valid email/);
    expect(await noJs.getByLabel('Email').inputValue()).toBe('not an email');
    // In page order, and the invalid fields really turn red (a specificity bug kept them grey).
    expect(await noJs.locator('#error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['#custom_amount', '#email']);
    const red = 'rgb(164, 22, 26)';
    const border = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { borderTopColor: string } }).getComputedStyle(el).borderTopColor;
    expect(await noJs.locator('#email').evaluate(border)).toBe(red);
    expect(await noJs.locator('#custom_amount').evaluate(border)).toBe(red);
    await e2e.screenshot(noJs, 'form-errors-server');
    // Recovery: fix both, and the same form goes on to Checkout.
    await noJs.getByLabel(/Other amount/).fill('15');
    await noJs.getByLabel('Email').fill('fixed@example.org');
    await noJs.getByRole('button', { name: /^Donate/ }).click();
    await noJs.waitForURL(/\/checkout\/cs_/);
    expect(await noJs.locator('#amount').textContent()).toContain('15');

    const js = await e2e.newPage({ viewport: PHONE });
    await js.goto(formUrl());
    await js.getByRole('radio', { name: 'Other' }).check();
    await js.getByLabel(/Other amount/).fill('abc');
    await js.getByLabel('Email').fill('x@y.org');
    await js.getByRole('button', { name: /^Donate/ }).click();
    expect(await js.locator('#amount-error').textContent()).toMatch(/Enter an amount/);
    expect(js.url()).toBe(formUrl()); // nothing was sent
    expect(await e2e.db.prisma.pledge.count({ where: { email: 'x@y.org' } })).toBe(0);
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

  for (const javaScriptEnabled of [true, false]) {
    it(`keeps the amount, email, name and fee choice when the donor cancels on Checkout (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const page = await e2e.newPage({ javaScriptEnabled });
      await page.goto(formUrl());
      await page.getByLabel('$10').check({ force: true });
      await page.getByLabel(/Add the processing fee/).check();
      await page.getByLabel('Email').fill('cancel@example.org');
      await page.getByLabel('Name').first().fill('Cass');
      await page.getByRole('button', { name: /^Donate/ }).click();
      await page.waitForURL(/\/checkout\/cs_/);
      await page.locator('#cancel').click();
      await page.waitForURL(/\/donate\/cancelled/);
      await e2e.screenshot(page, 'cancelled');
      await page.getByRole('link', { name: /Back to the donation form/ }).click();
      expect(await page.locator('input[name=amount]:checked').inputValue()).toBe('10.00');
      expect(await page.getByLabel('Email').inputValue()).toBe('cancel@example.org');
      expect(await page.getByLabel('Name').first().inputValue()).toBe('Cass');
      expect(await page.getByLabel(/Add the processing fee/).isChecked()).toBe(true);
    });
  }

  it('offers one-time donors to make it monthly; monthly has its own presets with impact lines', async () => {
    await e2e.db.prisma.campaign.update({
      where: { slug: 'winter' },
      data: {
        presetImpacts: ['buys a notebook', 'pays for a day of reporting', 'funds a week of fact-checking'],
        monthlyPresetAmounts: [500, 2000], monthlyPresetImpacts: ['keeps the newsletter free', 'funds a local story a month'],
      },
    });
    const page = await e2e.newPage({ viewport: PHONE });
    await page.goto(formUrl());
    expect(await page.locator('[data-kind=once]').first().isVisible()).toBe(true);
    expect(await page.locator('[data-kind=monthly]').first().isVisible()).toBe(false);
    expect(await page.getByText('pays for a day of reporting').isVisible()).toBe(true);
    expect(await page.locator('[data-submit]').textContent()).toBe('Donate $25');
    await e2e.screenshot(page, 'donation-page-impacts-phone');
    // The nudge: one click makes it monthly, on the monthly preset in the same place.
    await page.getByRole('button', { name: 'Make it monthly' }).click();
    expect(await page.getByRole('radio', { name: 'Monthly' }).isChecked()).toBe(true);
    expect(await page.locator('[data-kind=once]').first().isVisible()).toBe(false);
    expect(await page.locator('[data-nudge]').isVisible()).toBe(false);
    expect(await page.locator('input[name=amount]:checked').inputValue()).toBe('20.00');
    expect(await page.locator('[data-submit]').textContent()).toBe('Donate $20 monthly');
    await page.getByLabel('Email').fill('nudged@example.org');
    await e2e.screenshot(page, 'donation-page-monthly-presets-phone');
    await page.getByRole('button', { name: /^Donate/ }).click();
    await page.waitForURL(/\/checkout\/cs_/);
    const pledge = await e2e.db.prisma.pledge.findFirstOrThrow({ where: { email: 'nudged@example.org' } });
    expect({ amount: pledge.amount, frequency: pledge.frequency }).toEqual({ amount: 2000, frequency: 'monthly' });
  });

  it('a campaign not open yet says when it opens, in its own time zone, and takes no gift', async () => {
    await insertCampaign(e2e.db, { slug: 'later', startsAt: new Date('2031-03-01T05:00:00Z'), endsAt: new Date('2031-04-01T04:00:00Z') });
    await e2e.db.prisma.campaign.update({ where: { slug: 'later' }, data: { timezone: 'America/New_York' } });
    const page = await e2e.newPage({ viewport: PHONE });
    await page.goto(`${e2e.app.url}/campaigns/later`);
    expect(await page.locator('[data-window=upcoming]').first().textContent()).toContain('Opens Mar 1, 2031');
    expect(await page.locator('main').textContent()).toContain('Donations open on Saturday, March 1, 2031 at 12:00 AM EST.');
    expect(await page.getByRole('button', { name: /^Donate/ }).count()).toBe(0);
    await e2e.screenshot(page, 'not-open-yet-phone');
  });

  it('says the gift will be matched while a sponsor has room; the matched figure moves live, and the offer goes once the pool is used up', async () => {
    // A slug of its own: 'winter' is recreated before each test, and this instance may still hold its earlier progress.
    const campaign = await insertCampaign(e2e.db, { slug: 'matched', goal: 100_000, presetAmounts: [1000, 2500, 5000] });
    await insertPool(e2e.db, campaign.id, { sponsor: 'The Lantern Fund', cap: 7500, multiplier: 2 });
    const matchedUrl = `${e2e.app.url}/campaigns/matched`;
    const watcher = await e2e.newPage({ viewport: DESKTOP });
    await watcher.goto(matchedUrl);
    const offer = watcher.locator('[data-match-offer]');
    expect(await offer.textContent()).toContain('Your gift will be matched 2x by The Lantern Fund, up to $75 more.');
    expect(await watcher.locator('[data-field=matched]').first().textContent()).toBe('$0');
    await e2e.screenshot(watcher, 'donation-page-match-offer-desktop');

    const page = await e2e.newPage({ viewport: PHONE });
    await toCheckout(page, '$50', 'matched@example.org', matchedUrl);
    await page.locator('#pay').click();
    await page.waitForURL(/\/donate\/thanks\?session_id=cs_/);
    // $50 wants a $100 match: the pool gives its last $75, and says so on every open page.
    await expect.poll(() => watcher.locator('[data-field=matched]').first().textContent(), { timeout: 15_000 }).toBe('$75');
    await expect.poll(() => offer.isHidden(), { timeout: 15_000 }).toBe(true);
    await e2e.screenshot(watcher, 'donation-page-match-used-up-desktop');
    await page.goto(matchedUrl);
    expect(await page.locator('[data-match-offer]').count()).toBe(0);
  });
});
