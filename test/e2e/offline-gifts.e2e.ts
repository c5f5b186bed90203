// Offline gifts in a browser: staff record a check on the dashboard and the public campaign page
// open in another window shows the new total without a reload (the progress stream), a void takes
// it back off, and a deposit's CSV file picked in the import form is checked (dry run) and
// imported, moving the total again; a bad file lists its lines and writes nothing.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mintKey } from '../integration/admin/admin-fixtures.ts';
import { deposit } from '../integration/offline-gifts/offline-fixtures.ts';
import { insertCampaign } from '../helpers/factories.ts';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, signInStaff, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(() => e2e?.close());

const today = () => new Date().toISOString().slice(0, 10);

it('a check entered on the dashboard moves the public total live; voiding it and importing a deposit do too', async () => {
  await insertCampaign(e2e.db, { slug: 'winter', goal: 1_000_000 });
  const { key } = await mintKey(e2e.db, 'Finance (Maria)');

  // The public page, open before anything happens; it is never reloaded below.
  const reader = await e2e.newPage({ viewport: DESKTOP });
  await reader.goto(`${e2e.app.url}/campaigns/winter`);
  const raised = reader.locator('[data-progress] [data-field=raised]');
  expect(await raised.textContent()).toBe('$0');
  await reader.evaluate('window.neverReloaded = true');

  const staff = await e2e.newPage({ viewport: DESKTOP });
  await signInStaff(e2e, staff, key);
  await staff.locator('nav.admin-nav').getByRole('link', { name: 'Offline gifts' }).click();
  await staff.waitForSelector('h1:text("Offline gifts")');
  expect(await staff.locator('nav.admin-nav [aria-current=page]').textContent()).toBe('Offline gifts');
  await e2e.screenshot(staff, 'offline-empty');

  // Record a check.
  await staff.getByLabel('Campaign', { exact: true }).selectOption('winter');
  await staff.getByLabel(/^Amount/).fill('250.00');
  await staff.getByLabel('Date received').fill(today());
  await staff.getByLabel('Method', { exact: true }).selectOption('check');
  await staff.getByLabel(/^Reference/).fill('1042');
  await staff.getByLabel(/Donor’s name/).fill('Ann Lee');
  await staff.getByLabel(/Donor’s email/).fill('ann@example.org');
  await staff.getByRole('button', { name: 'Record the gift' }).click();
  await staff.waitForURL(/\/admin\/offline\?notice=/);
  expect(await staff.getByRole('status').first().textContent()).toContain('Recorded $250 from Ann Lee to winter; the receipt is on its way.');
  expect(await staff.locator('tbody tr').first().textContent()).toContain('Check no. 1042');
  await e2e.screenshot(staff, 'offline-recorded');

  await expect.poll(() => raised.textContent(), { timeout: 5000 }).toBe('$250');
  expect(await reader.locator('[data-field=donors]').first().textContent()).toBe('1');
  await e2e.screenshot(reader, 'offline-public-total-moved');

  // Void it, with a reason: the public total goes back.
  await staff.locator('tbody tr').first().getByPlaceholder(/Why/).fill('Typed the wrong amount');
  await staff.locator('tbody tr').first().getByRole('button', { name: 'Void' }).click();
  await staff.waitForURL(/\/admin\/offline\?notice=/);
  expect(await staff.locator('tbody tr').first().textContent()).toMatch(/Voided by Finance \(Maria\).*Typed the wrong amount/s);
  await expect.poll(() => raised.textContent(), { timeout: 5000 }).toBe('$0');
  await e2e.screenshot(staff, 'offline-voided');

  // A deposit's file, picked in the form (offline-import.js reads it into the box): dry run, then import.
  const csv = deposit(50, today());
  await staff.locator('#csv-file').setInputFiles({ name: 'deposit.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect.poll(() => staff.locator('#csv').inputValue()).toBe(csv);
  await staff.getByRole('button', { name: 'Check the file (dry run)' }).click();
  await staff.waitForSelector('#import-result');
  expect(await staff.locator('#import-result').textContent()).toContain('Dry run: nothing was written. 50 row(s) in the file; would import: 50');
  expect(await staff.locator('#import-result').textContent()).toContain('winter: 50 gift(s), $1,112.50');
  await e2e.screenshot(staff, 'offline-import-dry-run');
  await staff.locator('section:has(#import)').screenshot({ path: path.join(ARTIFACTS, 'offline-import-dry-run-form.png') });
  expect(await raised.textContent()).toBe('$0');
  await staff.getByRole('button', { name: 'Import' }).click();
  await staff.waitForSelector('#import-result:has-text("Imported.")');
  await e2e.screenshot(staff, 'offline-imported');
  await expect.poll(() => raised.textContent(), { timeout: 5000 }).toBe('$1,112.50');

  // The same file again adds nothing.
  await staff.locator('#csv').fill(csv);
  await staff.getByRole('button', { name: 'Import' }).click();
  await staff.waitForSelector('#import-result:has-text("already imported, skipped: 50")');

  // A bad file: its lines and reasons, nothing written.
  await staff.locator('#csv').fill(`date,amount,method,campaign\n${today()},ten,cash,winter\n${today()},5,card,summer\n`);
  await staff.getByRole('button', { name: 'Import' }).click();
  await staff.waitForSelector('#import-problems');
  const problems = (await staff.locator('#import-problems').textContent())!;
  expect(problems).toContain('Line 2, amount: \'ten\' is not an amount in USD');
  expect(problems).toContain('Line 3, campaign: No campaign \'summer\'');
  await e2e.screenshot(staff, 'offline-import-refused');
  await staff.locator('section:has(#import)').screenshot({ path: path.join(ARTIFACTS, 'offline-import-refused-form.png') });
  expect(await raised.textContent()).toBe('$1,112.50');
  expect(await reader.evaluate('window.neverReloaded')).toBe(true);
});
