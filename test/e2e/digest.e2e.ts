// The daily digest in Chromium: a reader signs up on /digest, another in the box framed by an
// article page on another origin; staff find the confirmation email in the dashboard's Emails tab
// (with its List-Unsubscribe headers) and the reader follows its link, confirms with the button,
// gets the welcome, and leaves through its unsubscribe link.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertCampaign } from '../helpers/factories.ts';
import { startMailStack, type MailStack } from '../helpers/mail.ts';
import { mintKey } from '../integration/admin/admin-fixtures.ts';
import { DESKTOP, PHONE, signInStaff, startE2E, type E2E } from './harness.ts';

let e2e: E2E;
let mail: MailStack;
let host: http.Server;
let hostUrl: string;

beforeAll(async () => {
  e2e = await startE2E();
  mail = await startMailStack(e2e.db);
  await insertCampaign(e2e.db, { slug: 'winter' });
  // An article page on another origin with the box's snippet from the README.
  host = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end(`<!doctype html><title>An article</title><h1>Today's story</h1><p>Lorem ipsum.</p>
<iframe src="${e2e.app.url}/embed/digest" title="Sign up for the daily digest" width="320" height="260" style="border:0"></iframe>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  host?.close();
  await mail?.close();
  await e2e?.close();
});

/** The box within the README's 320 x 260 frame: nothing cut off, no scrollbar. */
async function expectToFit(frame: { evaluate<T>(script: string): Promise<T> }) {
  const size = await frame.evaluate<{ height: number; width: number }>('({ height: document.documentElement.scrollHeight, width: document.documentElement.scrollWidth })');
  expect(size.width).toBeLessThanOrEqual(320);
  expect(size.height).toBeLessThanOrEqual(260);
}

it('the box on an article page signs a reader up inside its frame, and fits the frame', async () => {
  const page = await e2e.newPage({ viewport: DESKTOP });
  await page.goto(hostUrl);
  const frame = page.frameLocator('iframe');
  await frame.getByLabel('Email').fill('boxreader@example.org');
  await e2e.screenshot(page, 'digest-box-in-iframe');
  await expectToFit(page.frames().find((f) => f.url().includes('/embed/digest'))!);
  await frame.getByRole('button', { name: 'Send me the daily digest' }).click();
  await expect.poll(() => frame.locator('[data-digest-sent]').textContent()).toContain('confirmation email');
  await expectToFit(page.frames().find((f) => f.url().includes('/api/digest/subscriptions'))!);
  await e2e.screenshot(page, 'digest-box-sent');
  const { rows } = await e2e.db.pool.query(`SELECT source::text, status::text FROM digest_subscribers WHERE email = 'boxreader@example.org'`);
  expect(rows).toEqual([{ source: 'widget', status: 'pending' }]);
});

it('a reader signs up, staff see the confirmation in the Emails tab, the reader confirms, then unsubscribes in one click', async () => {
  // The donation form's box is there, unticked.
  const donor = await e2e.newPage({ viewport: PHONE });
  await donor.goto(`${e2e.app.url}/campaigns/winter`);
  expect(await donor.getByLabel(/Send me the daily digest/).isChecked()).toBe(false);

  const reader = await e2e.newPage({ viewport: PHONE });
  await reader.goto(`${e2e.app.url}/digest`);
  await reader.getByLabel('Email').fill('Reader@Example.org');
  await reader.getByLabel(/Name/).fill('Rita');
  await e2e.screenshot(reader, 'digest-signup-phone');
  await reader.getByRole('button', { name: 'Send me the daily digest' }).click();
  await reader.waitForSelector('[data-digest-sent]');
  await e2e.screenshot(reader, 'digest-signup-sent-phone');
  await mail.sender.drain();

  // Staff find the confirmation email in the Emails tab, headers and all.
  const { key } = await mintKey(e2e.db, 'e2e');
  const staff = await e2e.newPage({ viewport: DESKTOP });
  await signInStaff(e2e, staff, key);
  await staff.getByRole('link', { name: 'Emails' }).click();
  await staff.waitForSelector('h1:text("Emails")');
  const row = staff.locator('tr', { has: staff.getByRole('cell', { name: 'reader@example.org', exact: true }) }).filter({ hasText: 'digest_confirm' });
  expect(await row.locator('[data-status]').textContent()).toMatch(/^sent/);
  await row.getByRole('link', { name: /Confirm your subscription/ }).click();
  await staff.waitForSelector('iframe.email-frame');
  expect(await staff.locator('[data-header="List-Unsubscribe-Post"]').textContent()).toBe('List-Unsubscribe=One-Click');
  expect(await staff.locator('[data-header="List-Unsubscribe"]').textContent()).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/digest\/unsubscribe\/[\w.-]+>$/);
  await expect.poll(() => staff.frameLocator('iframe.email-frame').locator('h1').textContent()).toBe('Confirm your subscription');
  await e2e.screenshot(staff, 'digest-confirmation-in-emails-tab');
  const confirmUrl = /(http:\/\/127\.0\.0\.1:\d+\/digest\/confirm\/[\w-]+)/.exec((await staff.locator('pre.email-text').textContent())!)![1]!;

  // The reader follows the link: a page with a button (opening the link confirms nothing).
  await reader.goto(confirmUrl);
  await reader.waitForSelector('h1:text("Confirm your subscription")');
  const status = async () => (await e2e.db.pool.query(`SELECT status::text FROM digest_subscribers WHERE email = 'reader@example.org'`)).rows[0].status;
  expect(await status()).toBe('pending');
  await e2e.screenshot(reader, 'digest-confirm-page-phone');
  await reader.getByRole('button', { name: 'Confirm my subscription' }).click();
  await reader.waitForSelector('h1:text("You are subscribed")');
  expect(await status()).toBe('confirmed');
  await e2e.screenshot(reader, 'digest-confirmed-phone');
  await mail.sender.drain();

  // Staff see it confirmed: the welcome in the Emails tab, the address in subscribers.csv.
  await staff.goto(`${e2e.app.url}/admin/emails?to=reader%40example.org`);
  await staff.getByRole('link', { name: /You are subscribed to the/ }).click();
  await staff.waitForSelector('iframe.email-frame');
  expect(await staff.locator('[data-header="List-Unsubscribe-Post"]').textContent()).toBe('List-Unsubscribe=One-Click');
  await e2e.screenshot(staff, 'digest-welcome-in-emails-tab');
  const unsubscribeUrl = /Unsubscribe: (http:\/\/\S+)/.exec((await staff.locator('pre.email-text').textContent())!)![1]!;
  const csv = await (await staff.context().request.get(`${e2e.app.url}/admin/exports/subscribers.csv`)).text();
  expect(csv).toMatch(/^email,name,consent_at,source,consent_ip,confirmed_at,confirm_ip\nreader@example\.org,Rita,\S+,page,127\.0\.0\.1,\S+,127\.0\.0\.1\n$/);

  // The reader leaves through the welcome's link: a page with a button, then done.
  await reader.goto(unsubscribeUrl);
  await reader.waitForSelector('h1:text("Unsubscribe from the daily digest")');
  expect(await status()).toBe('confirmed');
  await reader.getByRole('button', { name: 'Unsubscribe' }).click();
  await reader.waitForSelector('h1:text("You are unsubscribed")');
  expect(await status()).toBe('unsubscribed');
  await e2e.screenshot(reader, 'digest-unsubscribed-phone');
});
