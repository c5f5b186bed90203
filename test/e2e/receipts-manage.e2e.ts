// A monthly donor in Chromium, from the gift to stopping it: pays on the emulator's Checkout,
// staff see the receipt in the dashboard's Emails tab (and its rendering at phone width), the
// donor follows the receipt's manage link, lowers the amount, updates the card on the emulator's
// customer portal, then cancels; staff see who cancelled.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertCampaign } from '../helpers/factories.ts';
import { outboxRows, startMailStack, type MailStack } from '../helpers/mail.ts';
import { mintKey } from '../integration/admin/admin-fixtures.ts';
import { DESKTOP, PHONE, signInStaff, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
let mail: MailStack;

beforeAll(async () => {
  e2e = await startE2E();
  mail = await startMailStack(e2e.db);
  await insertCampaign(e2e.db, { slug: 'winter', goal: 100_000, presetAmounts: [1000, 2500, 5000] });
});
afterAll(async () => {
  await mail?.close();
  await e2e?.close();
});

async function settle() {
  await e2e.settle();
  await mail.sender.drain();
}

it('a donor pays monthly, staff see the receipt, the donor lowers the gift, updates the card, then cancels', async () => {
  // The donor gives $25 a month.
  const donor = await e2e.newPage({ viewport: PHONE });
  await donor.goto(`${e2e.app.url}/campaigns/winter`);
  await donor.getByRole('radio', { name: 'Monthly' }).check();
  await donor.getByLabel('$25').check({ force: true });
  await donor.getByLabel('Email').fill('reader@example.org');
  await donor.getByLabel('Name').first().fill('Rita <Reader>');
  await donor.getByRole('button', { name: /^Donate/ }).click();
  await donor.waitForURL(/\/checkout\/cs_/);
  await donor.locator('#pay').click();
  await donor.waitForURL(/\/donate\/thanks/);
  await settle();

  // Staff find the receipt in the Emails tab and open it.
  const { key } = await mintKey(e2e.db, 'e2e');
  const staff = await e2e.newPage({ viewport: DESKTOP });
  await signInStaff(e2e, staff, key);
  await staff.getByRole('link', { name: 'Emails' }).click();
  await staff.waitForSelector('h1:text("Emails")');
  const row = staff.locator('tr', { hasText: 'reader@example.org' });
  expect(await row.locator('[data-status]').textContent()).toMatch(/^sent/);
  await e2e.screenshot(staff, 'emails-tab');
  await row.getByRole('link', { name: /Your receipt for your monthly gift of \$25\.00/ }).click();
  await staff.waitForSelector('iframe.email-frame');
  const frame = staff.frameLocator('iframe.email-frame');
  await expect.poll(() => frame.locator('h1').textContent()).toBe('Thank you');
  expect(await frame.locator('body').textContent()).toContain('Dear Rita <Reader>,');
  expect(await frame.getByRole('link', { name: 'Manage your monthly gift' }).count()).toBe(1);
  await e2e.screenshot(staff, 'emails-receipt-desktop');

  // The receipt itself at phone width, as a donor's mail app shows it.
  const [receipt] = await outboxRows(e2e.db, `kind = 'receipt' AND to_address = 'reader@example.org'`);
  const phone = await e2e.newPage({ viewport: PHONE, javaScriptEnabled: false });
  await phone.setContent(receipt!.html);
  // A string: the test's TypeScript has no DOM types.
  const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
  expect(overflow).toBeLessThanOrEqual(0);
  await e2e.screenshot(phone, 'receipt-phone');

  // The donor follows the manage link and lowers the gift to $10.
  const link = /(http:\/\/127\.0\.0\.1:\d+\/manage\/\S+)/.exec(receipt!.text)![1]!;
  await donor.goto(link);
  await donor.waitForSelector('h1:text("Your donations")');
  expect(await donor.locator('[data-gift] h2').textContent()).toMatch(/\$25 a month · Active/);
  await e2e.screenshot(donor, 'manage-phone');
  await donor.getByLabel(/New monthly gift/).fill('10');
  await donor.getByRole('button', { name: 'Change amount' }).click();
  await donor.waitForSelector('text=Your monthly gift will be $10 from the next one on.');
  await settle();
  await donor.reload();
  expect(await donor.locator('[data-gift] h2').textContent()).toMatch(/\$10 a month · Active/);

  // The card, on the emulator's customer portal, and back.
  await donor.getByRole('button', { name: 'Update card' }).click();
  await donor.waitForURL(/\/portal\/bps_/);
  await donor.locator('#update-card').click();
  await donor.waitForSelector('text=Your card was updated.');
  await donor.locator('#return').click();
  await donor.waitForSelector('h1:text("Your donations")');

  // Then cancels.
  await donor.getByRole('button', { name: 'Cancel my monthly gift' }).click();
  await donor.waitForSelector('text=Your monthly gift is cancelled.');
  await settle();
  await donor.reload();
  expect(await donor.locator('[data-gift] h2').textContent()).toMatch(/\$10 a month · Cancelled/);
  expect(await donor.getByRole('button', { name: 'Cancel my monthly gift' }).count()).toBe(0);
  await e2e.screenshot(donor, 'manage-cancelled-phone');

  // Staff see who cancelled and when.
  await staff.goto(`${e2e.app.url}/admin/monthly`);
  const cancelled = staff.locator('tr', { hasText: 'reader@example.org' });
  expect(await cancelled.locator('[data-state]').textContent()).toMatch(/cancelled\s*by the donor \(manage page\) on \d{4}-\d{2}-\d{2}/);
  await e2e.screenshot(staff, 'monthly-donors');
});
